// The shell's words: header, sign-in, shift, the outbox, states every screen shares.
export const common = {
  en: {
    appName: 'Petalpost Rider',
    language: 'Language',
    signOut: 'Sign out',
    loading: 'Loading…',
    retry: 'Try again',
    error: 'Something went wrong: {{message}}',
    signIn: {
      title: 'Sign in',
      email: 'Email',
      password: 'Password',
      submit: 'Sign in',
      failed: 'Email or password is wrong.',
      locked: 'Too many failed attempts: the account is locked for a while. Ask your shop.',
      throttled: 'Too many attempts. Wait a minute and try again.',
    },
    network: { online: 'Online', offline: 'Offline — what you do is kept and sent when the network returns' },
  },
  'zh-CN': {
    appName: 'Petalpost 骑手',
    language: '语言',
    signOut: '退出登录',
    loading: '加载中…',
    retry: '重试',
    error: '出错了：{{message}}',
    signIn: {
      title: '登录',
      email: '邮箱',
      password: '密码',
      submit: '登录',
      failed: '邮箱或密码错误。',
      locked: '失败次数过多，账号已暂时锁定。请联系店铺。',
      throttled: '尝试次数过多，请稍等一分钟再试。',
    },
    network: { online: '在线', offline: '离线 — 操作已保存，联网后自动发送' },
  },
};
