import { shortAddress } from './address';

describe('shortAddress', () => {
  it('keeps the district, street and number of a Chinese address', () => {
    expect(shortAddress('上海市静安区常德路 800 号 3 号楼 1202 室')).toBe('静安区常德路 800 号');
    expect(shortAddress('广东省深圳市南山区科技园南路 15 号')).toBe('南山区科技园南路 15 号');
    expect(shortAddress('北京市朝阳区建国路88号SOHO现代城')).toBe('朝阳区建国路88号');
  });

  it('keeps a Chinese address with no number up to its first comma', () => {
    expect(shortAddress('上海市徐汇区衡山路，近宝庆路')).toBe('徐汇区衡山路');
  });

  it('keeps the first line of other addresses, up to its first comma', () => {
    expect(shortAddress('12 Baker Street, London NW1 6XE')).toBe('12 Baker Street');
    expect(shortAddress('Flat 3\n12 Baker Street\nLondon')).toBe('Flat 3');
    expect(shortAddress('  Prinsengracht 263  ')).toBe('Prinsengracht 263');
  });
});
