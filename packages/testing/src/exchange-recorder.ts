/**
 * A recorder of the HTTP exchanges a provider reports to a call's inspector
 * (`CallRequestV1.inspect`), for tests. An exchange is reported when its
 * body has been read to the end, which may be a moment after the provider's
 * call returned: {@link ExchangeRecorder.settled} waits for it without a
 * timer.
 */
import type { ProviderExchangeV1 } from "@ratatoskr/core";

/** What {@link exchangeRecorder} returns. */
export interface ExchangeRecorder {
  /** The exchanges reported so far, in order. */
  readonly exchanges: ProviderExchangeV1[];
  /** The inspector to put on a request. */
  readonly record: (exchange: ProviderExchangeV1) => void;
  /** Resolves with the exchanges once at least `count` were reported. */
  settled(count: number): Promise<ProviderExchangeV1[]>;
}

/** A fresh recorder (make one per test, so a late report never lands in the next test). */
export function exchangeRecorder(): ExchangeRecorder {
  const exchanges: ProviderExchangeV1[] = [];
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  return {
    exchanges,
    record: (exchange) => {
      exchanges.push(exchange);
      for (const waiter of waiting) if (exchanges.length >= waiter.count) waiter.resolve();
    },
    settled: (count) =>
      exchanges.length >= count
        ? Promise.resolve(exchanges)
        : new Promise((resolve) => {
            waiting.push({ count, resolve: () => resolve(exchanges) });
          }),
  };
}
