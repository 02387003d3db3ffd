import { rulesDraft, rulesFrom, wordsOf } from './rules-draft';

describe("a shop's buyer-note rules, as the owner edits them", () => {
  it('shows the words the shop set one a line, and empty fields for what follows the default', () => {
    expect(rulesDraft({ cardMarkers: ['贺卡', '卡片内容'], asapMinutes: 90 })).toEqual({
      cardMarkers: '贺卡\n卡片内容',
      anonymousWords: '',
      asapMinutes: '90',
      privacyNumberHours: '',
    });
    expect(rulesDraft(undefined)).toEqual({ cardMarkers: '', anonymousWords: '', asapMinutes: '', privacyNumberHours: '' });
  });

  it('reads words one a line or after commas, Chinese ones too, each once', () => {
    expect(wordsOf('贺卡\n 卡片，祝福语、card , 贺卡\n\n')).toEqual(['贺卡', '卡片', '祝福语', 'card']);
    expect(wordsOf('card text')).toEqual(['card text']);
  });

  it('saves only what the owner set, so the rest keeps following the default', () => {
    expect(rulesFrom({ cardMarkers: '贺卡\n祝福', anonymousWords: '', asapMinutes: ' 45 ', privacyNumberHours: '' })).toEqual({
      rules: { cardMarkers: ['贺卡', '祝福'], asapMinutes: 45 },
      problems: [],
    });
    expect(rulesFrom({ cardMarkers: '', anonymousWords: '匿名', asapMinutes: '', privacyNumberHours: '0' })).toEqual({
      rules: { anonymousWords: ['匿名'], privacyNumberHours: 0 },
      problems: [],
    });
  });

  it('names a number that is not a whole one instead of guessing it', () => {
    expect(rulesFrom({ cardMarkers: '', anonymousWords: '', asapMinutes: '1.5', privacyNumberHours: 'three' }).problems).toEqual([
      'asapMinutes',
      'privacyNumberHours',
    ]);
  });
});
