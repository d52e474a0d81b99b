"""The rules every author obeys, whatever they write (a confession, a reply, a wall post, a
comment): how a body is cleaned and how long it may be (`text`), how many an hour (`rates`),
and how an author is shown when they may be (`people`). The confessions and the walls stand
side by side on it; neither imports the other."""
