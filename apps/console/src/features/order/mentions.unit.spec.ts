import { activeMention, applyMention, type MentionCandidate, suggest, toReadableText, toServiceText } from './mentions';

const li: MentionCandidate = { token: 'p-li', label: 'Li Na', kind: 'person' };
const lin: MentionCandidate = { token: 'p-lin', label: 'Lin', kind: 'person' };
const wang: MentionCandidate = { token: 'p-wang', label: '王芳', kind: 'person' };
const florists: MentionCandidate = { token: 'florist', label: 'florist', kind: 'role' };

describe('typing an @mention', () => {
  it('opens on an @ at the start or after a space, not inside an e-mail address', () => {
    expect(activeMention('@li', 3)).toEqual({ start: 0, query: 'li' });
    expect(activeMention('ask @', 5)).toEqual({ start: 4, query: '' });
    expect(activeMention('mail sam@example', 16)).toBeUndefined();
    expect(activeMention('@li done', 8)).toBeUndefined();
  });

  it('suggests by the start of any word of a name, or by role', () => {
    expect(suggest([li, lin, wang, florists], 'na')).toEqual([li]);
    expect(suggest([li, lin, wang, florists], 'li')).toEqual([li, lin]);
    expect(suggest([li, lin, wang, florists], '王')).toEqual([wang]);
    expect(suggest([li, lin, wang, florists], 'flo')).toEqual([florists]);
  });

  it('puts the picked name in the box and the caret after it', () => {
    const text = 'please @l check';
    expect(applyMention(text, { start: 7, query: 'l' }, li)).toEqual({ text: 'please @Li Na  check', caret: 14 });
  });

  it('sends the person’s id the service knows, longest names first', () => {
    expect(toServiceText('@Li Na and @Lin, and @florist', [lin, li, florists])).toBe('@p-li and @p-lin, and @florist');
  });

  it('shows a posted mention by name where the person is known', () => {
    const names = new Map([['p-li', 'Li Na']]);
    expect(toReadableText('@p-li see @p-unknown', names)).toBe('@Li Na see @p-unknown');
  });
});
