// The web client's words, in English and Simplified Chinese. The language is the one the server
// chose for the page (from Accept-Language, or the language switch's cookie), and every API
// request asks for the same, so the API's error messages match the page.

export const language = document.body.dataset.language === "zh-hans" ? "zh-hans" : "en";
export const acceptLanguage = language === "zh-hans" ? "zh-Hans" : "en";

const WORDS = {
  en: {
    app: "Confessions",
    inbox: "Inbox", sent: "Sent", compose: "Write", walls: "Walls", notifications: "Notifications",
    profile: "Profile", blocks: "Blocks", sign_out: "Sign out", sign_in: "Sign in",
    register: "Create an account", username: "Username", password: "Password",
    display_name: "Display name", have_account: "Have an account? Sign in",
    no_account: "New here? Create an account", switch_language: "中文",
    anonymous: "Anonymous", someone: "Someone", you: "You", to: "To {name}",
    to_link: "Share link", unread: "unread", replies: "{n} replies", read_at: "Read {time}",
    not_read: "Not read yet", empty_inbox: "Nothing here yet.", more: "More",
    matched: "It's a match: you confessed to each other.",
    reply: "Reply", write_reply: "Write a reply…", send: "Send", sending: "Sending…",
    recipient: "To (username)", recipient_hint: "Leave empty to get a share link instead",
    message: "Your message", send_anonymously: "Send anonymously",
    photos: "Photos (up to 9)", deliver_at: "Deliver later (optional)",
    remove: "Remove", uploading: "Uploading {percent}%", uploaded: "Ready",
    share_link: "Share this link with them:", copy: "Copy", copied: "Copied",
    scheduled: "Scheduled for {time}", pending: "Under review", suppressed: "Sent",
    rejected: "Rejected", hidden: "Hidden", removed: "Removed",
    block_sender: "Block the sender", blocked: "Blocked.", report: "Report",
    report_sent: "Thank you: moderators will look at it.", category: "Reason",
    cat_harassment: "Harassment", cat_spam: "Spam", cat_sexual: "Sexual content",
    cat_hate: "Hate", cat_self_harm: "Self-harm", cat_other: "Other",
    details: "Details (optional)", delete: "Delete", retract: "Take back",
    confirm_delete: "Delete this for good?", confirm_retract: "Take this confession back?",
    original: "Original",
    share_title: "Someone has a confession for you", claim: "It's for me: open it",
    sign_in_to_claim: "Sign in to open it", claimed_by_other: "Someone else has opened this link.",
    link_gone: "This link does not open any more.",
    link_unknown: "No confession opens with this link: check that it was copied whole.",
    from_sender: "from the sender", from_recipient: "from the recipient",
    bio: "About you", accepts_anonymous: "Accept anonymous confessions", save: "Save",
    account_language: "Language (this page, and WeChat messages)",
    saved: "Saved.", avatar: "Avatar", change_avatar: "Change avatar",
    block_user: "Block a user by username", block: "Block", unblock: "Unblock",
    anonymous_block: "An anonymous sender", no_blocks: "You block nobody.",
    mark_all_read: "Mark all read", no_notifications: "No notifications.",
    ev_confession_received: "A new confession arrived",
    ev_confession_replied: "A new reply", ev_confession_read: "Your confession was read",
    ev_confession_matched: "It's a match!", ev_confession_claimed: "Your share link was opened",
    ev_confession_retracted: "A confession was taken back",
    ev_confession_moderated: "Moderators acted on your confession",
    ev_report_resolved: "Your report was handled", ev_wall_commented: "A new comment on the wall",
    ev_wall_liked: "New likes on your post", ev_wall_moderated: "Moderators acted on your post",
    ev_other: "Something new",
    ev_confession_hinted: "A hint from your secret admirer",
    ev_confession_revealed: "Your secret admirer revealed who they are",
    ev_crush_received: "Someone has a crush on you", ev_crush_matched: "A mutual crush!",
    ev_moderation_appeal_decided: "Your appeal was decided",
    ev_moderation_notice: "A word from the moderators",
    ev_moderation_sanctioned: "Moderators limited your account",
    hints: "Hints", give_hint: "Give a hint", hint_placeholder: "A hint of who you are…",
    reveal: "Reveal who I am", confirm_reveal: "They will know it is you, for good. Reveal?",
    follow: "Follow", following: "Following",
    muted_words: "Muted words",
    muted_words_hint: "One a line: posts and comments holding one never reach you.",
    notification_settings: "Notifications", way_socket: "Live", way_subscribe: "WeChat",
    crushes: "Crushes", add_crush: "Add a crush",
    crushes_hint: "Private: they learn only that someone has a crush on them, until it is mutual. {free} of {max} places free.",
    crush_matched: "Mutual!", no_crushes: "Nobody on your list yet.",
    frees_at: "its place frees on {time}",
    join: "Join", joined: "Joined", invite_code: "Invite code", new: "New", hot: "Hot",
    post: "Post", to_line: "To… (who it is for, optional)", like: "Like", unlike: "Unlike",
    likes: "{n} likes", comments: "{n} comments", comment: "Comment",
    write_comment: "Write a comment…", reply_to: "Reply",
    alias_hint: "Their name in this thread: the same on each of their comments here, nowhere else",
    offline: "Offline: reconnecting…", online: "Live",
    error: "Something went wrong.", not_found: "Not found.",
    matches: "Matches", match_with: "You and {name}",
  },
  "zh-hans": {
    app: "表白",
    inbox: "收件箱", sent: "已发送", compose: "写表白", walls: "表白墙", notifications: "通知",
    profile: "我的", blocks: "屏蔽", sign_out: "退出登录", sign_in: "登录",
    register: "注册", username: "用户名", password: "密码",
    display_name: "昵称", have_account: "已有账号？登录",
    no_account: "第一次来？注册", switch_language: "English",
    anonymous: "匿名", someone: "某人", you: "你", to: "给 {name}",
    to_link: "分享链接", unread: "未读", replies: "{n} 条回复", read_at: "{time} 已读",
    not_read: "尚未读", empty_inbox: "这里还什么都没有。", more: "更多",
    matched: "配对成功：你们互相表白了。",
    reply: "回复", write_reply: "写回复…", send: "发送", sending: "发送中…",
    recipient: "给（用户名）", recipient_hint: "留空则生成分享链接",
    message: "你想说的话", send_anonymously: "匿名发送",
    photos: "照片（最多 9 张）", deliver_at: "定时送达（可选）",
    remove: "移除", uploading: "上传中 {percent}%", uploaded: "就绪",
    share_link: "把这个链接发给 TA：", copy: "复制", copied: "已复制",
    scheduled: "将于 {time} 送达", pending: "审核中", suppressed: "已发送",
    rejected: "未通过", hidden: "已隐藏", removed: "已移除",
    block_sender: "屏蔽发送者", blocked: "已屏蔽。", report: "举报",
    report_sent: "谢谢，管理员会处理。", category: "原因",
    cat_harassment: "骚扰", cat_spam: "垃圾信息", cat_sexual: "色情内容",
    cat_hate: "仇恨言论", cat_self_harm: "自残", cat_other: "其他",
    details: "补充说明（可选）", delete: "删除", retract: "撤回",
    confirm_delete: "确定永久删除？", confirm_retract: "确定撤回这封表白？",
    original: "原图",
    share_title: "有人向你表白了", claim: "是给我的：打开",
    sign_in_to_claim: "登录后打开", claimed_by_other: "这个链接已经被别人打开了。",
    link_gone: "这个链接已失效。",
    link_unknown: "没有与此链接对应的表白：请检查链接是否完整复制。",
    from_sender: "来自发送者", from_recipient: "来自接收者",
    bio: "个人简介", accepts_anonymous: "接受匿名表白", save: "保存",
    account_language: "语言（本页面与微信消息）",
    saved: "已保存。", avatar: "头像", change_avatar: "更换头像",
    block_user: "按用户名屏蔽", block: "屏蔽", unblock: "取消屏蔽",
    anonymous_block: "一位匿名发送者", no_blocks: "你没有屏蔽任何人。",
    mark_all_read: "全部已读", no_notifications: "没有通知。",
    ev_confession_received: "你收到了一封新的表白",
    ev_confession_replied: "有新的回复", ev_confession_read: "你的表白已被阅读",
    ev_confession_matched: "配对成功！", ev_confession_claimed: "你的分享链接被打开了",
    ev_confession_retracted: "一封表白被撤回了",
    ev_confession_moderated: "管理员处理了你的表白",
    ev_report_resolved: "你的举报已处理", ev_wall_commented: "表白墙上有新评论",
    ev_wall_liked: "你的帖子收到了新的赞", ev_wall_moderated: "管理员处理了你的帖子",
    ev_other: "有新消息",
    ev_confession_hinted: "暗恋你的人给了一条提示",
    ev_confession_revealed: "暗恋你的人表明了身份",
    ev_crush_received: "有人暗恋你", ev_crush_matched: "你们互相暗恋！",
    ev_moderation_appeal_decided: "你的申诉已处理",
    ev_moderation_notice: "来自管理员的消息",
    ev_moderation_sanctioned: "管理员限制了你的账号",
    hints: "提示", give_hint: "给个提示", hint_placeholder: "给对方一点关于你的提示…",
    reveal: "表明身份", confirm_reveal: "对方将永远知道是你。确定表明身份吗？",
    follow: "关注", following: "已关注",
    muted_words: "屏蔽词",
    muted_words_hint: "每行一个：含有屏蔽词的帖子和评论不会出现在你面前。",
    notification_settings: "通知设置", way_socket: "实时", way_subscribe: "微信",
    crushes: "暗恋", add_crush: "添加暗恋对象",
    crushes_hint: "仅你可见：对方只知道有人暗恋他/她，直到你们互相暗恋。名额剩余 {free}/{max}。",
    crush_matched: "互相暗恋！", no_crushes: "名单上还没有人。",
    frees_at: "名额将于 {time} 空出",
    join: "加入", joined: "已加入", invite_code: "邀请码", new: "最新", hot: "最热",
    post: "发布", to_line: "给……（写给谁，可选）", like: "赞", unlike: "取消赞",
    likes: "{n} 个赞", comments: "{n} 条评论", comment: "评论",
    write_comment: "写评论…", reply_to: "回复",
    alias_hint: "在本帖中的代号：此人在本帖的每条评论都相同，在别处无关",
    offline: "连接中断，正在重连…", online: "实时",
    error: "出错了。", not_found: "找不到。",
    matches: "配对", match_with: "你和 {name}",
  },
};

export function t(key, values = {}) {
  const text = WORDS[language][key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

const timeFormat = new Intl.DateTimeFormat(language === "zh-hans" ? "zh-CN" : "en", {
  dateStyle: "medium", timeStyle: "short",
});

export function when(iso) {
  return iso ? timeFormat.format(new Date(iso)) : "";
}

// The languages a person may choose (settings.LANGUAGES), each named in itself.
export const LANGUAGES = [["en", "English"], ["zh-hans", "中文"]];

// Django's language cookie, which the page and the API both follow; the page reloads in it.
export function useLanguage(code) {
  document.cookie = `django_language=${code}; path=/; max-age=31536000; samesite=lax`;
  location.reload();
}

// The header's switch: the other language.
export function switchLanguage() {
  useLanguage(language === "zh-hans" ? "en" : "zh-hans");
}
