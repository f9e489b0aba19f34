/**
 * `ModelManager`: lazily loads models, once (concurrent first calls share
 * one load), keeps at most `maxLoadedModels` of them and about
 * `memoryBudgetBytes` in memory (least recently used go first), and never
 * disposes a model while a call is using it.
 */

/** Something the manager can hold. */
export interface ManagedModel {
  /** Approximate memory it holds (bytes); the ONNX file sizes are a good estimate. */
  readonly approximateBytes: number;
  dispose(): void | Promise<void>;
}

/** Limits of a {@link ModelManager}. */
export interface ModelManagerOptions {
  /** Most models loaded at once (default 4). */
  maxLoadedModels?: number;
  /** Approximate memory budget for loaded models, bytes (default unlimited). */
  memoryBudgetBytes?: number;
}

interface Entry<T extends ManagedModel> {
  model: T;
  users: number;
  lastUsed: number;
  evicted: boolean;
}

/** Loads, caches and evicts models by key. */
export class ModelManager<T extends ManagedModel> {
  readonly #maxLoaded: number;
  readonly #budget: number;
  readonly #entries = new Map<string, Entry<T>>();
  readonly #loading = new Map<string, Promise<T>>();
  #clock = 0;

  constructor(options: ModelManagerOptions = {}) {
    this.#maxLoaded = Math.max(1, options.maxLoadedModels ?? 4);
    this.#budget = options.memoryBudgetBytes ?? Number.POSITIVE_INFINITY;
  }

  /** Keys of the loaded models, most recently used first. */
  loaded(): string[] {
    return [...this.#entries.entries()]
      .filter(([, entry]) => !entry.evicted)
      .sort((a, b) => b[1].lastUsed - a[1].lastUsed)
      .map(([key]) => key);
  }

  /** Approximate bytes held by loaded models. */
  loadedBytes(): number {
    let total = 0;
    for (const entry of this.#entries.values()) total += entry.model.approximateBytes;
    return total;
  }

  /** Load `key` (if not loaded) without using it. */
  async preload(key: string, load: () => Promise<T>): Promise<void> {
    await this.use(key, load, async () => undefined);
  }

  /**
   * Run `body` with the model `key`, loading it first if needed (one load
   * for any number of concurrent callers). The model is not disposed while
   * `body` runs, even if it is evicted meanwhile.
   */
  async use<R>(key: string, load: () => Promise<T>, body: (model: T) => Promise<R>): Promise<R> {
    const entry = await this.#acquire(key, load);
    try {
      return await body(entry.model);
    } finally {
      entry.users--;
      if (entry.evicted && entry.users === 0) await entry.model.dispose();
    }
  }

  /** Unload `key`; resolves when disposed (or at once if it is in use: disposed when the last user ends). */
  async unload(key: string): Promise<boolean> {
    const entry = this.#entries.get(key);
    if (!entry) return false;
    await this.#evict(key, entry);
    return true;
  }

  /** Unload everything. */
  async unloadAll(): Promise<void> {
    await Promise.all([...this.#entries.keys()].map((key) => this.unload(key)));
  }

  async #acquire(key: string, load: () => Promise<T>): Promise<Entry<T>> {
    for (;;) {
      const entry = this.#entries.get(key);
      if (entry && !entry.evicted) {
        entry.users++;
        entry.lastUsed = ++this.#clock;
        return entry;
      }
      let pending = this.#loading.get(key);
      if (!pending) {
        pending = load().finally(() => this.#loading.delete(key));
        this.#loading.set(key, pending);
        const model = await pending;
        const fresh: Entry<T> = { model, users: 1, lastUsed: ++this.#clock, evicted: false };
        this.#entries.set(key, fresh);
        await this.#enforceLimits(key);
        return fresh;
      }
      await pending;
      // Loop: the loader registered the entry (or it failed and we rethrew above).
    }
  }

  async #enforceLimits(justLoaded: string): Promise<void> {
    const over = () => this.#entries.size > this.#maxLoaded || this.loadedBytes() > this.#budget;
    while (over() && this.#entries.size > 1) {
      const victims = [...this.#entries.entries()]
        .filter(([key]) => key !== justLoaded)
        .sort((a, b) => a[1].lastUsed - b[1].lastUsed);
      const victim = victims[0];
      if (!victim) break;
      await this.#evict(victim[0], victim[1]);
    }
  }

  async #evict(key: string, entry: Entry<T>): Promise<void> {
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
    if (entry.evicted) return;
    entry.evicted = true;
    if (entry.users === 0) await entry.model.dispose();
  }
}
