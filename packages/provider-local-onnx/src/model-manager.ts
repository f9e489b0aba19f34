/**
 * `ModelManager`: lazily loads models, once (concurrent first calls share
 * one load), keeps at most `maxLoadedModels` of them and about
 * `memoryBudgetBytes` in memory (least recently used go first), and never
 * disposes a model while a call is using it. An unload that meets a load in
 * flight waits for it: the load's callers still get the model, and it is
 * disposed when the last of them ends, so no session outlives an unload.
 */

/** Something the manager can hold. */
export interface ManagedModel {
  /** Approximate memory it holds (bytes); the ONNX file sizes are a good estimate. */
  readonly approximateBytes: number;
  /**
   * Free what the model holds (its ONNX sessions). The manager calls it once,
   * after eviction or unload, when no call is using the model any more.
   */
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

/** A load in flight: its callers are counted as users before it ends, so none can lose the model. */
interface Loading<T extends ManagedModel> {
  promise: Promise<Entry<T>>;
  state: {
    waiters: number;
    /** An unload came while loading: the model serves its waiters, then it is disposed. */
    unloadRequested: boolean;
  };
}

/** Loads, caches and evicts models by key. */
export class ModelManager<T extends ManagedModel> {
  readonly #maxLoaded: number;
  readonly #budget: number;
  readonly #entries = new Map<string, Entry<T>>();
  readonly #loading = new Map<string, Loading<T>>();
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

  /** Whether `key` is being loaded now (its first callers wait for it). */
  isLoading(key: string): boolean {
    return this.#loading.has(key);
  }

  /** Approximate bytes the loaded model `key` holds; undefined when it is not loaded. */
  bytesOf(key: string): number | undefined {
    const entry = this.#entries.get(key);
    return entry === undefined || entry.evicted ? undefined : entry.model.approximateBytes;
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

  /**
   * Unload `key`; resolves when disposed (or at once if it is in use: disposed
   * when the last user ends). A load in flight is waited for first; its callers
   * still get the model. Returns whether a model was (or became) loaded.
   */
  async unload(key: string): Promise<boolean> {
    let unloaded = false;
    const loading = this.#loading.get(key);
    if (loading) {
      loading.state.unloadRequested = true;
      unloaded = (await loading.promise.catch(() => undefined)) !== undefined;
    }
    const entry = this.#entries.get(key);
    if (entry) {
      await this.#evict(key, entry);
      unloaded = true;
    }
    return unloaded;
  }

  /** Unload everything, loads in flight included. */
  async unloadAll(): Promise<void> {
    const keys = new Set([...this.#entries.keys(), ...this.#loading.keys()]);
    await Promise.all([...keys].map((key) => this.unload(key)));
  }

  #acquire(key: string, load: () => Promise<T>): Promise<Entry<T>> {
    const entry = this.#entries.get(key);
    if (entry && !entry.evicted) {
      entry.users++;
      entry.lastUsed = ++this.#clock;
      return Promise.resolve(entry);
    }
    const loading = this.#loading.get(key) ?? this.#startLoad(key, load);
    loading.state.waiters++;
    return loading.promise;
  }

  #startLoad(key: string, load: () => Promise<T>): Loading<T> {
    const state = { waiters: 0, unloadRequested: false };
    const promise = (async () => {
      try {
        const model = await load();
        const entry: Entry<T> = {
          model,
          users: state.waiters,
          lastUsed: ++this.#clock,
          evicted: state.unloadRequested,
        };
        if (!entry.evicted) {
          this.#entries.set(key, entry);
          await this.#enforceLimits(key);
        }
        return entry;
      } finally {
        this.#loading.delete(key);
      }
    })();
    const loading = { promise, state };
    this.#loading.set(key, loading);
    return loading;
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
