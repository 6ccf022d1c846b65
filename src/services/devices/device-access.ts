import type { Caller } from '../../contract/method';

/** What a caller wants to do to a device: read it, or change it and its tokens. */
export type DeviceRight = 'view' | 'update';

/**
 * The caller as a SQL parameter: its device uuid, or null for an API key (the
 * gateway already checked scope device/admin, which manages every device).
 */
export function accessorOf(caller: Caller): string | null {
  return caller.kind === 'device' ? caller.uuid : null;
}

/**
 * A predicate on `devices d` deciding access inside the same query that loads the
 * target, so a missing device and a forbidden one cost the same statement and end in
 * the same "no row" (DEVICE_NOT_FOUND). `param` is the placeholder of accessorOf().
 */
export function accessPredicate(right: DeviceRight, param: number): string {
  const who = `$${param}::text`;
  const listed = (path: string) =>
    `d.whitelists #> '{${path}}' @> jsonb_build_array(jsonb_build_object('uuid', ${who}))`
    + ` OR d.whitelists #> '{${path}}' @> '[{"uuid":"*"}]'`;
  const clauses = [`${who} IS NULL`, `d.uuid::text = ${who}`, listed('configure,update')];
  if (right === 'view') clauses.push(listed('discover,view'));
  return `(${clauses.join(' OR ')})`;
}

/** `devices d` rows that are live and that the caller may reach: $1 uuid, $n accessor. */
export function accessibleDevice(right: DeviceRight, param: number): string {
  return `d.uuid = $1 AND d.unregistered_at IS NULL AND ${accessPredicate(right, param)}`;
}
