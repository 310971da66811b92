const isTransportError = (error: unknown): boolean => error instanceof Error && /fetch failed|ECONNRESET|socket/i.test(error.message);

/** The HTTP status toxiproxy-node-client put into its error message, if any. */
export const statusOf = (error: unknown): number | undefined => {
  const m = error instanceof Error ? /status code (\d+)/.exec(error.message) : null;
  return m ? Number(m[1]) : undefined;
};

/**
 * Calls the Toxiproxy API, retrying a call whose connection failed (a busy machine, a keep-alive
 * socket the server just closed). If an earlier try did land, the retry meets 409/404; `landed`
 * turns that into the result the first try would have had.
 */
export async function withRetry<T>(call: () => Promise<T>, landed?: (status: number) => Promise<T> | undefined): Promise<T> {
  let transportFailed = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const status = statusOf(error);
      if (transportFailed && status !== undefined && landed) {
        const recovered = landed(status);
        if (recovered) return await recovered;
      }
      if (!isTransportError(error) || attempt >= 4) throw error;
      transportFailed = true;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/**
 * Deletes a toxic by name; one that is not there counts as deleted. By name rather than through a
 * `Toxic` object, so a heal can clean up after an apply that failed halfway (its toxic may exist).
 */
export async function deleteToxic(apiUrl: string, proxy: string, toxic: string): Promise<void> {
  const url = `${apiUrl}/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`;
  await withRetry(async () => {
    const res = await fetch(url, { method: 'DELETE' });
    await res.arrayBuffer();
    if (!res.ok && res.status !== 404) throw new Error(`DELETE ${url}: request failed with status code ${res.status}`);
  });
}
