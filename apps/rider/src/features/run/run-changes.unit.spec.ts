import { hasChanges, runChanges } from './run-changes';

describe('what changed in the run since the rider last looked', () => {
  it('shows nothing the first time the rider looks', () => {
    expect(hasChanges(runChanges(undefined, ['a', 'b']))).toBe(false);
  });

  it('shows nothing when dispatch kept the run as it was', () => {
    expect(hasChanges(runChanges(['a', 'b', 'c'], ['a', 'b', 'c']))).toBe(false);
  });

  it('marks a stop added in front as new, without calling the others moved', () => {
    const changes = runChanges(['a', 'b'], ['x', 'a', 'b']);
    expect([...changes.added]).toEqual(['x']);
    expect(changes.moved.size).toBe(0);
    expect(changes.removed).toEqual([]);
  });

  it('marks stops whose order among the others changed, with their places before and now', () => {
    const changes = runChanges(['a', 'b', 'c'], ['c', 'a', 'b']);
    expect(Object.fromEntries(changes.moved)).toEqual({ c: { from: 3, to: 1 }, a: { from: 1, to: 2 }, b: { from: 2, to: 3 } });
  });

  it('lists the stops taken off the run', () => {
    const changes = runChanges(['a', 'b', 'c'], ['a', 'c']);
    expect(changes.removed).toEqual(['b']);
    expect(changes.moved.size).toBe(0);
  });
});
