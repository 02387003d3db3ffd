/**
 * A shop's currency: an ISO 4217 code that this runtime's Intl formats (the codes in use today,
 * not withdrawn ones), so every screen can show its prices.
 */
export const SHOP_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/**
 * What a shop priced in before it could say: shops created without a currency, and every shop
 * created before the currency was recorded. A time zone cannot stand in for it (one IANA zone
 * spans countries with different currencies: Europe/Belgrade is also Zagreb's and Sarajevo's).
 */
export const DEFAULT_SHOP_CURRENCY = 'EUR';

export const isShopCurrency = (code: string): boolean => SHOP_CURRENCIES.has(code);
