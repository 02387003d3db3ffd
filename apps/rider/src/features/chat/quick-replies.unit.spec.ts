import { repliesIn } from './quick-replies';

describe('quick replies offered to a rider', () => {
  const replies = [
    { id: 'five-en', text: '5 minutes away', locale: 'en' },
    { id: 'five-zh', text: '还有5分钟到', locale: 'zh-CN' },
    { id: 'shop', text: '👍' },
  ];

  it('offers a Chinese reader the Chinese ones and those for everyone', () => {
    expect(repliesIn(replies, 'zh-CN').map((r) => r.id)).toEqual(['five-zh', 'shop']);
  });

  it('offers an English reader the English ones and those for everyone', () => {
    expect(repliesIn(replies, 'en').map((r) => r.id)).toEqual(['five-en', 'shop']);
  });
});
