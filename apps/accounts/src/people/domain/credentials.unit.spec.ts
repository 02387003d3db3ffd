import { normalizeEmail, passwordProblem } from './credentials';

const context = { email: 'Anna.Bloom@Example.com', shopName: 'Bloom & Co' };
const problem = (password: string) => passwordProblem(password, context)?.code;

describe('password rules (NIST SP 800-63B rev. 4)', () => {
  it('accepts a long passphrase of any characters, without composition rules', () => {
    expect(problem('tulips under a quiet rain')).toBeUndefined();
    expect(problem('郁金香在安静的雨中盛开了一整个春天')).toBeUndefined();
  });
  it('refuses fewer than 15 characters, counting characters, not bytes', () => {
    expect(problem('Sh0rt&Str0ng!')).toBe('PASSWORD_TOO_SHORT');
    expect(problem('郁金香在安静的雨中盛开')).toBe('PASSWORD_TOO_SHORT');
  });
  it('accepts 128 characters and refuses more (never truncating)', () => {
    expect(problem('a quiet rain '.repeat(10).slice(0, 128))).toBeUndefined();
    expect(problem('x'.repeat(60) + 'y'.repeat(69))).toBe('PASSWORD_TOO_LONG');
  });
  it('counts the NFKC form: full-width letters are the letters they stand for', () => {
    expect(problem('ｐａｓｓｗｏｒｄｐａｓｓｗｏｒｄ')).toBe('PASSWORD_COMMON');
  });
  it('refuses common passwords and one character repeated', () => {
    expect(problem('123456789012345')).toBe('PASSWORD_COMMON');
    expect(problem('Password Password')).toBe('PASSWORD_COMMON');
    expect(problem('aaaaaaaaaaaaaaaaaaaa')).toBe('PASSWORD_COMMON');
  });
  it("refuses a password built on the account's e-mail or the shop's name", () => {
    expect(problem('my name is anna.bloom, hello')).toBe('PASSWORD_CONTAINS_EMAIL');
    expect(problem('the best of bloom&co forever')).toBe('PASSWORD_CONTAINS_SHOP_NAME');
    expect(problem('petalpost is where i work')).toBe('PASSWORD_CONTAINS_SERVICE_NAME');
  });
  it('says why in words', () => expect(passwordProblem('short', context)?.message).toMatch(/at least 15 characters/));
});

describe('e-mail addresses', () => {
  it('are compared NFKC, trimmed and lower-cased', () => expect(normalizeEmail('  Ａnna@Example.COM ')).toBe('anna@example.com'));
});
