import { prefixProblem, templatePrefixes } from './app-languages';

describe("checking an app's template keys", () => {
  it('fails a template key whose group is missing, empty, a single word, or has no static start', () => {
    const resources = { board: { status: { placed: 'Placed' }, blank: { placed: ' ' }, none: {}, title: 'Board' } };
    expect(templatePrefixes('t(`board.status.${s}`); t(`board.title`); i18n.t( `other.kind.${k}.label`); t(`${k}`)')).toEqual([
      'board.status',
      'other.kind',
      '',
    ]);
    expect(prefixProblem(resources, 'board.status')).toBeUndefined();
    expect(prefixProblem(resources, 'board.missing')).toBeDefined();
    expect(prefixProblem(resources, 'board.blank')).toBeDefined();
    expect(prefixProblem(resources, 'board.none')).toBeDefined();
    expect(prefixProblem(resources, 'board.title')).toBeDefined();
    expect(prefixProblem(resources, '')).toBeDefined();
  });
});
