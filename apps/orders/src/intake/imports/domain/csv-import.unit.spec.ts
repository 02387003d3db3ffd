import { mappingProblems, suggestMapping } from './csv-columns';
import { mapCsvRow, problemsText, type RowContext } from './csv-row.mapper';

const headers = ['Order No', 'Delivery Date', 'Delivery Time', 'Recipient', 'Recipient Phone', 'Address', 'Items', 'Card Message', 'Total', 'Paid', 'Buyer'];
const context: RowContext = { headers, mapping: suggestMapping(headers), timeZone: 'Europe/Amsterdam', dateOrder: 'ymd', currency: 'EUR' };
const row = (values: Partial<Record<(typeof headers)[number], string>>) =>
  headers.map(
    (h) =>
      values[h] ??
      {
        'Order No': 'P-1',
        'Delivery Date': '2027-02-14',
        'Delivery Time': '13:00 - 15:00',
        Recipient: 'Alex Recipient',
        'Recipient Phone': '+31 6 8765 4321',
        Address: 'Lindenlaan 3, Utrecht',
        Items: '2 x Red roses; Vase [VASE-1]',
        'Card Message': 'Happy birthday',
        Total: '49,50',
        Paid: 'yes',
        Buyer: 'Sam Buyer',
      }[h] ??
      '',
  );

describe('suggesting a mapping from the header row', () => {
  it('recognises common English and Chinese headers whatever their case and punctuation', () => {
    expect(suggestMapping(['ORDER_NUMBER', 'delivery-date', '收件人', '收件人电话', '配送地址', '商品', '贺卡'])).toEqual({
      externalRef: 'ORDER_NUMBER',
      deliveryDate: 'delivery-date',
      recipientName: '收件人',
      recipientPhone: '收件人电话',
      address: '配送地址',
      items: '商品',
      cardMessage: '贺卡',
    });
  });

  it('leaves ambiguous headers such as "phone" for staff to choose', () => {
    expect(suggestMapping(['ref', 'phone', 'name'])).toEqual({ externalRef: 'ref' });
  });

  it('maps each column to one field only', () => {
    expect(suggestMapping(['id', 'order'])).toEqual({ externalRef: 'id' });
  });

  it('names columns the file lacks and what an import cannot do without', () => {
    expect(mappingProblems({ externalRef: 'nope' }, ['ref'])).toEqual([
      'externalRef: the file has no column "nope"',
      expect.stringMatching(/^items:/),
      expect.stringMatching(/^recipientName:/),
    ]);
    expect(mappingProblems(context.mapping, headers)).toEqual([]);
  });
});

describe('a row mapped to an order', () => {
  it('reads the date and hours in the shop’s time zone, with that day’s offset', () => {
    const mapped = mapCsvRow(row({}), context);
    expect(mapped).toEqual({
      ok: true,
      order: {
        externalRef: 'P-1',
        buyer: { name: 'Sam Buyer' },
        recipient: { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Lindenlaan 3, Utrecht' } },
        items: [
          { sku: 'RED-ROSES', name: 'Red roses', quantity: 2 },
          { sku: 'VASE-1', name: 'Vase', quantity: 1 },
        ],
        deliveryDate: '2027-02-14',
        deliveryWindow: { from: '2027-02-14T13:00:00.000+01:00', to: '2027-02-14T15:00:00.000+01:00', timeZone: 'Europe/Amsterdam' },
        cardMessage: 'Happy birthday',
        anonymousSender: false,
        doNotContactRecipient: false,
        price: { amountMinor: 4950, currency: 'EUR' },
        paid: true,
      },
    });
  });

  it('takes summer time into account and 12-hour clocks', () => {
    const mapped = mapCsvRow(row({ 'Delivery Date': '2027-07-01', 'Delivery Time': '1:00 PM - 3:30 PM' }), context);
    expect(mapped.ok && mapped.order.deliveryWindow).toEqual({
      from: '2027-07-01T13:00:00.000+02:00',
      to: '2027-07-01T15:30:00.000+02:00',
      timeZone: 'Europe/Amsterdam',
    });
  });

  it('reads day-first dates when the import says so', () => {
    const mapped = mapCsvRow(row({ 'Delivery Date': '14/02/2027' }), { ...context, dateOrder: 'dmy', timeZone: 'Asia/Shanghai' });
    expect(mapped.ok && mapped.order.deliveryWindow?.from).toBe('2027-02-14T13:00:00.000+08:00');
  });

  it('leaves a missing date or address to the intake (it holds the order for staff)', () => {
    const mapped = mapCsvRow(row({ 'Delivery Date': ' ', 'Delivery Time': '', Address: '' }), context);
    expect(mapped.ok).toBe(true);
    expect(mapped.ok && [mapped.order.deliveryDate, mapped.order.deliveryWindow, mapped.order.recipient.address]).toEqual([undefined, undefined, undefined]);
  });

  it('gives a row with a date and no hours the import’s default hours, when it has them', () => {
    const undated = row({ 'Delivery Time': '' });
    const held = mapCsvRow(undated, context);
    expect(held.ok && [held.order.deliveryDate, held.order.deliveryWindow]).toEqual(['2027-02-14', undefined]);
    const withDefault = mapCsvRow(undated, { ...context, defaultHours: '09:00-18:00' });
    expect(withDefault.ok && withDefault.order.deliveryWindow).toEqual({
      from: '2027-02-14T09:00:00.000+01:00',
      to: '2027-02-14T18:00:00.000+01:00',
      timeZone: 'Europe/Amsterdam',
    });
  });

  it('reports every problem of a row at once, by field and column', () => {
    const mapped = mapCsvRow(row({ 'Order No': '', 'Delivery Date': '2027-02-30', Total: 'lots', Paid: 'maybe', Items: '0 x Tulips' }), context);
    expect(mapped.ok).toBe(false);
    expect(!mapped.ok && mapped.problems).toEqual([
      { field: 'externalRef', column: 'Order No', message: 'the order number is empty' },
      { field: 'items', column: 'Items', message: '"Tulips": quantity must be 1 to 999' },
      { field: 'deliveryDate', column: 'Delivery Date', message: '"2027-02-30" is not a date written like 2027-02-14' },
      { field: 'price', column: 'Total', message: '"lots" is not an amount' },
      { field: 'paid', column: 'Paid', message: '"maybe" is neither yes nor no' },
    ]);
    expect(!mapped.ok && problemsText(mapped.problems)).toContain('deliveryDate (Delivery Date): "2027-02-30" is not a date');
  });

  it('refuses a window that ends before it starts and hours it cannot read', () => {
    const backwards = mapCsvRow(row({ 'Delivery Time': '15:00 - 13:00' }), context);
    expect(!backwards.ok && backwards.problems[0].message).toBe('the window 15:00 - 13:00 ends before it starts');
    const unreadable = mapCsvRow(row({ 'Delivery Time': 'afternoon' }), context);
    expect(!unreadable.ok && unreadable.problems[0].field).toBe('deliveryTime');
  });

  it('refuses a row whose width differs from the header', () => {
    expect(mapCsvRow(['P-2', 'x'], context)).toEqual({ ok: false, problems: [{ field: 'row', message: 'the row has 2 cells, the header 11' }] });
  });

  it('reads a price in the currency’s own minor unit', () => {
    const yen = mapCsvRow(row({ Total: '¥5,000' }), { ...context, currency: 'JPY' });
    expect(yen.ok && yen.order.price).toEqual({ amountMinor: 5000, currency: 'JPY' });
    const thousands = mapCsvRow(row({ Total: '1.234,50' }), context);
    expect(thousands.ok && thousands.order.price).toEqual({ amountMinor: 123450, currency: 'EUR' });
  });

  it('takes one product per row with its quantity and sku', () => {
    const h = ['ref', 'recipient', 'product', 'sku', 'qty'];
    const mapped = mapCsvRow(['R-9', 'Kim', 'Lilies', 'LIL-5', '3'], { ...context, headers: h, mapping: suggestMapping(h) });
    expect(mapped.ok && mapped.order.items).toEqual([{ sku: 'LIL-5', name: 'Lilies', quantity: 3 }]);
  });
});
