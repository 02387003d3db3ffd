export const operator = {
  en: { title: 'Operations' },
  'zh-CN': { title: '运维' },
};
