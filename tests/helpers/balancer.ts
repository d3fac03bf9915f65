import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP load balancer in front of several servers, as HAProxy in `mode tcp` would be: each new
 * connection goes to the next backend that takes it (round robin); a backend that refuses the
 * connection is skipped. Websocket upgrades pass through untouched. docs/deploy.md has the
 * production configuration; this is its stand-in for tests.
 */
export interface Balancer {
  url: string;
  /** Connections open now, per backend port. */
  open(): Map<number, number>;
  close(): Promise<void>;
}

export async function startBalancer(backends: () => readonly string[]): Promise<Balancer> {
  let next = 0;
  const sockets = new Set<Socket>();
  const open = new Map<number, number>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.pause();
    const list = backends().map((u) => Number(new URL(u).port));
    const tryBackend = (left: number) => {
      if (left === 0) return client.destroy();
      const port = list[next++ % list.length];
      const upstream = connect({ host: '127.0.0.1', port });
      const refused = () => tryBackend(left - 1);
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.off('error', refused);
        open.set(port, (open.get(port) ?? 0) + 1);
        sockets.add(upstream);
        upstream.once('close', () => {
          sockets.delete(upstream);
          open.set(port, (open.get(port) ?? 1) - 1);
          client.destroy();
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryBackend(list.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://localhost:${port}`,
    open: () => new Map(open),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
