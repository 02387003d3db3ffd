const CJK = /[\u3400-\u9fff]/;

/**
 * The part of an address a rider scans a list by: the street and building. For a Chinese address
 * the district and street with its number (上海市静安区常德路 800 号 3 号楼 → 静安区常德路 800 号);
 * otherwise the first line, up to its first comma (12 Baker Street, London → 12 Baker Street).
 */
export function shortAddress(text: string): string {
  const firstLine =
    text
      .split(/\r?\n/)
      .find((line) => line.trim() !== '')
      ?.trim() ?? '';
  if (CJK.test(firstLine)) {
    const local = firstLine.replace(/^[^省市区县，,]{1,10}(?:省|自治区)/, '').replace(/^[^省市区县，,]{1,10}市(?=.)/, '');
    const street = /^.*?\d+\s*号(?!楼)/.exec(local);
    return (street ? street[0] : local.split(/[，,]/)[0]).trim();
  }
  return firstLine.split(',')[0].trim();
}
