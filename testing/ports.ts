/** A free TCP port on loopback: bound, read and released (another process could take it meanwhile; fine on a test machine). */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}
