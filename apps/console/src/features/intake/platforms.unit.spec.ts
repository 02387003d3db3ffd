import { intake } from './messages';
import { CHINA_PLATFORMS, fieldPurpose, outcomeWords, PLATFORM_FIELDS } from './platforms';

describe('the Chinese platforms’ fields and test pushes, as the owner reads them', () => {
  it('says the app secret signs pushes where it does, and that WeChat’s pushes are signed with the Token', () => {
    expect(CHINA_PLATFORMS.filter((p) => p !== 'wechat').map((p) => fieldPurpose(p, 'appSecret'))).toEqual(['appSecret', 'appSecret', 'appSecret']);
    expect(fieldPurpose('wechat', 'appSecret')).toBe('apiSecret');
    expect(fieldPurpose('wechat', 'pushToken')).toBe('pushToken');
    expect(fieldPurpose('wechat', 'appKey')).toBe('appKey');
  });

  it('has a hint in both languages for every field each platform shows', () => {
    for (const language of ['en', 'zh-CN'] as const) {
      const hints: Record<string, string> = intake[language].connect.field;
      for (const platform of CHINA_PLATFORMS) {
        const fields = Object.keys(PLATFORM_FIELDS[platform]) as Array<keyof (typeof PLATFORM_FIELDS)['wechat']>;
        for (const field of fields)
          expect({ language, platform, field, hint: hints[fieldPurpose(platform, field)] }).toEqual({ language, platform, field, hint: expect.any(String) });
      }
    }
  });

  it('does not call a platform’s test push mapped: it is verified, never read', () => {
    expect(outcomeWords('tested', true)).toBe('testedPush');
    expect(outcomeWords('tested', false)).toBe('tested');
    expect(outcomeWords('placed', true)).toBe('placed');
  });
});
