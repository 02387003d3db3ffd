import { DEFAULT_PLATFORM_RULES, platformRulesWith, readBuyerNote } from './buyer-note';

const rules = DEFAULT_PLATFORM_RULES;

describe("the buyer's note of a platform order", () => {
  describe('read with certainty', () => {
    it('gives nothing for an empty note', () => {
      expect(readBuyerNote(undefined, rules)).toEqual({ anonymousSender: false });
      expect(readBuyerNote('  ', rules)).toEqual({ anonymousSender: false });
    });

    it('keeps a note without card or anonymity for staff', () => {
      expect(readBuyerNote('请下午三点后送达', rules)).toEqual({ anonymousSender: false, note: '请下午三点后送达' });
    });

    it('takes the words after 贺卡： as the card, and the rest as the note', () => {
      expect(readBuyerNote('请下午送 贺卡：生日快乐，永远年轻', rules)).toEqual({
        cardMessage: '生日快乐，永远年轻',
        anonymousSender: false,
        note: '请下午送',
      });
    });

    it('reads 卡片内容: and 祝福语 the same way', () => {
      expect(readBuyerNote('卡片内容:妈妈节日快乐', rules)).toEqual({ cardMessage: '妈妈节日快乐', anonymousSender: false });
      expect(readBuyerNote('祝福语：百年好合', rules)).toEqual({ cardMessage: '百年好合', anonymousSender: false });
    });

    it('ends the card at a new clause and keeps what follows as the note', () => {
      expect(readBuyerNote('贺卡：生日快乐；送到前打电话', rules)).toEqual({ cardMessage: '生日快乐', anonymousSender: false, note: '送到前打电话' });
    });

    it("ends the card where Meituan appends the recipient's privacy number", () => {
      expect(readBuyerNote('贺卡：生日快乐 收餐人隐私号 13812345678_1234，手机号 185****0000', rules)).toEqual({
        cardMessage: '生日快乐',
        anonymousSender: false,
        note: '收餐人隐私号 13812345678_1234，手机号 185****0000',
      });
    });

    it('hears a request to keep the sender unnamed', () => {
      expect(readBuyerNote('匿名', rules)).toEqual({ anonymousSender: true, note: '匿名' });
      expect(readBuyerNote('不要留名，贺卡：想你', rules)).toEqual({ cardMessage: '想你', anonymousSender: true, note: '不要留名，' });
      expect(readBuyerNote('Please keep it Anonymous. Card: Happy birthday', rules)).toEqual({
        cardMessage: 'Happy birthday',
        anonymousSender: true,
        note: 'Please keep it Anonymous.',
      });
    });

    it('does not take a word that only contains a Latin marker', () => {
      expect(readBuyerNote('discard the old vase', rules)).toEqual({ anonymousSender: false, note: 'discard the old vase' });
    });

    it("follows the shop's own words", () => {
      const shop = platformRulesWith({ cardMarkers: ['留言'], anonymousWords: ['不署名'] });
      expect(readBuyerNote('留言：加油 不署名', shop)).toEqual({
        anonymousSender: false,
        unclear: 'an anonymity word is inside the card\'s words: "加油 不署名"',
        note: '留言：加油 不署名',
      });
      expect(readBuyerNote('不署名；留言：加油', shop)).toEqual({ cardMessage: '加油', anonymousSender: true, note: '不署名；' });
      expect(readBuyerNote('贺卡：加油', shop)).toEqual({ anonymousSender: false, note: '贺卡：加油' });
    });
  });

  describe('unclear: held for staff with the whole note', () => {
    it('when a card is named twice', () => {
      expect(readBuyerNote('贺卡：生日快乐 卡片：永远爱你', rules)).toEqual({
        anonymousSender: false,
        note: '贺卡：生日快乐 卡片：永远爱你',
        unclear: 'the note names a card 2 times (贺卡, 卡片)',
      });
    });

    it('when the anonymity request may be negated', () => {
      const read = readBuyerNote('不要匿名，写上我的名字', rules);
      expect(read.anonymousSender).toBe(false);
      expect(read.unclear).toBe('the note may ask to name the sender after all: "不要匿名，写上我的名"');
      expect(read.note).toBe('不要匿名，写上我的名字');
      expect(readBuyerNote('not anonymous please', rules).unclear).toBeDefined();
    });

    it('when the card itself may be refused', () => {
      expect(readBuyerNote('不要贺卡', rules).unclear).toBe('the note may ask for no card: "不要贺卡"');
      expect(readBuyerNote('no card please', rules).unclear).toBeDefined();
    });

    it('when a card is named without words', () => {
      expect(readBuyerNote('贺卡：', rules).unclear).toBe('the note names a card (贺卡) but no words for it');
    });

    it('when an anonymity word is inside the card', () => {
      expect(readBuyerNote('贺卡：生日快乐，匿名', rules)).toEqual({
        anonymousSender: false,
        note: '贺卡：生日快乐，匿名',
        unclear: 'an anonymity word is inside the card\'s words: "生日快乐，匿名"',
      });
    });

    it('when the card is longer than a card holds', () => {
      expect(readBuyerNote(`贺卡：${'爱'.repeat(401)}`, rules).unclear).toBe("the card's words are longer than a card holds (401 of 400 characters)");
    });
  });
});
