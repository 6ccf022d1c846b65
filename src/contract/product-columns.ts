/**
 * A product as every read answers it (/product/get, /product/search, the product a token
 * belongs to): its fields, selected from `products` under the given table alias.
 */
export function productColumns(alias: string): string {
  const a = alias;
  return `${a}.id, ${a}.manufacturer_code AS "manufacturerCode", ${a}.product_code AS "productCode", ${a}.name, ${a}.type,
  ${a}.algorithm, ${a}.digits, ${a}.period, ${a}.hardware, ${a}.auth_window AS "authWindow", ${a}.max_fail AS "maxFail"`;
}
