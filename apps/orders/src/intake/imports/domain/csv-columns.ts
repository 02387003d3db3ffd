import { z } from 'zod';

/**
 * What a column of a shop's CSV can mean. A mapping names, for each of these, the column (by its
 * header) that holds it; columns mapped to nothing are ignored.
 */
export const CSV_FIELDS = [
  'externalRef',
  'buyerName',
  'buyerPhone',
  'buyerEmail',
  'recipientName',
  'recipientPhone',
  'address',
  'addressNotes',
  'addressType',
  'deliveryDate',
  'deliveryTime',
  'deliveryFrom',
  'deliveryTo',
  'deliverySlot',
  'items',
  'product',
  'sku',
  'quantity',
  'cardMessage',
  'anonymous',
  'doNotContact',
  'price',
  'currency',
  'paid',
  'note',
] as const;
export type CsvField = (typeof CSV_FIELDS)[number];

export const CsvFieldSchema = z.enum(CSV_FIELDS);

/** Field → the header of the column that holds it. */
export type CsvMapping = Partial<Record<CsvField, string>>;

/** How a date column is written: year first (2027-02-14), day first (14/02/2027) or month first (02/14/2027). */
export const DateOrderSchema = z.enum(['ymd', 'dmy', 'mdy']);
export type DateOrder = z.infer<typeof DateOrderSchema>;

/**
 * Header names a shop's sheet or till export commonly uses, in English and Chinese, compared
 * after `normalizedHeader`. Ambiguous ones ("phone", "name") are left out on purpose: a wrong
 * guess would put the buyer's number on the recipient's label, so staff choose those themselves.
 */
const HEADER_NAMES: Record<CsvField, readonly string[]> = {
  externalRef: ['externalref', 'orderid', 'ordernumber', 'orderno', 'order', 'ref', 'reference', 'id', '订单号', '订单编号', '单号'],
  buyerName: ['buyer', 'buyername', 'customer', 'customername', 'sender', 'sendername', 'billingname', '购买人', '订购人', '客户', '客户姓名', '送花人'],
  buyerPhone: ['buyerphone', 'customerphone', 'senderphone', 'billingphone', '购买人电话', '客户电话', '订购人电话'],
  buyerEmail: ['buyeremail', 'email', 'customeremail', 'senderemail', 'billingemail', '邮箱', '电子邮件'],
  recipientName: ['recipient', 'recipientname', 'shippingname', 'deliverto', 'shipto', '收件人', '收货人', '收花人'],
  recipientPhone: ['recipientphone', 'shippingphone', 'deliveryphone', '收件人电话', '收货人电话', '收花人电话'],
  address: ['address', 'deliveryaddress', 'shippingaddress', 'recipientaddress', '地址', '收货地址', '配送地址', '送货地址'],
  addressNotes: ['addressnotes', 'deliverynotes', 'deliveryinstructions', 'instructions', '配送备注'],
  addressType: ['addresstype', '地址类型'],
  deliveryDate: ['deliverydate', 'date', 'deliveryday', '配送日期', '送达日期', '送花日期', '日期'],
  deliveryTime: ['deliverytime', 'time', 'timeslot', 'deliverywindow', 'window', '配送时间', '送达时间', '时间段'],
  deliveryFrom: ['deliveryfrom', 'windowfrom', 'timefrom', 'starttime', 'from'],
  deliveryTo: ['deliveryto', 'windowto', 'timeto', 'endtime', 'until'],
  deliverySlot: ['slot', 'deliveryslot', '时段'],
  items: ['items', 'lineitems', 'products', '商品', '商品明细'],
  product: ['product', 'productname', 'item', 'itemname', '商品名称', '产品'],
  sku: ['sku', 'productcode', 'itemcode', '货号'],
  quantity: ['quantity', 'qty', '数量'],
  cardMessage: ['cardmessage', 'card', 'message', 'giftmessage', 'greeting', '贺卡', '卡片', '贺卡内容', '留言'],
  anonymous: ['anonymous', 'anonymoussender', '匿名'],
  doNotContact: ['donotcontact', 'donotcontactrecipient', 'surprise', '惊喜', '勿联系收件人'],
  price: ['price', 'total', 'amount', 'ordertotal', '金额', '价格', '总价'],
  currency: ['currency', '币种'],
  paid: ['paid', 'ispaid', 'paymentstatus', '已付款', '付款状态'],
  note: ['note', 'notes', 'comment', 'comments', '备注'],
};

/** "Delivery Date", "delivery_date" and "DELIVERY-DATE" are one header. */
export function normalizedHeader(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.#()/:：（）]/g, '');
}

/**
 * A first guess of the mapping from the header row, for staff to confirm in the preview: each
 * field takes the first column whose header is one of its known names, each column serves one field.
 */
export function suggestMapping(headers: readonly string[]): CsvMapping {
  const mapping: CsvMapping = {};
  const taken = new Set<number>();
  for (const field of CSV_FIELDS) {
    const names = HEADER_NAMES[field];
    const index = headers.findIndex((header, i) => !taken.has(i) && names.includes(normalizedHeader(header)));
    if (index >= 0) {
      mapping[field] = headers[index];
      taken.add(index);
    }
  }
  return mapping;
}

/** Problems with a mapping itself (before any row is read): unknown columns, and what no import can do without. */
export function mappingProblems(mapping: CsvMapping, headers: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [field, column] of Object.entries(mapping)) {
    if (column !== undefined && !headers.includes(column)) problems.push(`${field}: the file has no column "${column}"`);
  }
  if (!mapping.externalRef) problems.push('externalRef: map the column with the order number (it is what makes a second import of the same row a duplicate)');
  if (!mapping.items && !mapping.product) problems.push('items: map a column with the items ("2 x Red roses; Vase") or one with the product');
  if (!mapping.recipientName) problems.push('recipientName: map the column with the recipient’s name');
  if (mapping.deliveryFrom && !mapping.deliveryTo) problems.push('deliveryTo: a window needs its end too');
  if (mapping.deliveryTo && !mapping.deliveryFrom) problems.push('deliveryFrom: a window needs its start too');
  return problems;
}
