export const analytics = {
  en: { title: 'Analytics' },
  'zh-CN': { title: '分析' },
};
