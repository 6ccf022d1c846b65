export default async function globalTeardown() {
  const pg = globalThis.__TOKENGATE_PG__;
  if (pg) await pg.stop();
}
