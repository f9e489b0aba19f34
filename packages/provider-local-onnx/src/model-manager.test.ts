import { describe, expect, it, vi } from "vitest";
import { type ManagedModel, ModelManager } from "./model-manager.ts";

function fakeModel(name: string, bytes = 10) {
  const model = {
    name,
    approximateBytes: bytes,
    disposed: false,
    dispose: vi.fn(() => {
      model.disposed = true;
    }),
  };
  return model;
}
type Fake = ReturnType<typeof fakeModel> & ManagedModel;

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe("ModelManager", () => {
  it("loads once for concurrent first callers (single flight)", async () => {
    const manager = new ModelManager<Fake>();
    const gate = deferred<Fake>();
    const load = vi.fn(() => gate.promise);
    const calls = Array.from({ length: 5 }, () =>
      manager.use("a", load, async (model) => model.name),
    );
    gate.resolve(fakeModel("a"));
    expect(await Promise.all(calls)).toEqual(["a", "a", "a", "a", "a"]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(manager.loaded()).toEqual(["a"]);
  });

  it("a failed load is not cached: every waiter gets the error, the next call retries", async () => {
    const manager = new ModelManager<Fake>();
    const failing = vi.fn(async (): Promise<Fake> => {
      throw new Error("boom");
    });
    const results = await Promise.allSettled([
      manager.use("a", failing, async () => 1),
      manager.use("a", failing, async () => 2),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(failing).toHaveBeenCalledTimes(1);
    expect(
      await manager.use(
        "a",
        async () => fakeModel("a"),
        async (model) => model.name,
      ),
    ).toBe("a");
  });

  it("evicts the least recently used model beyond maxLoadedModels", async () => {
    const manager = new ModelManager<Fake>({ maxLoadedModels: 2 });
    const models = { a: fakeModel("a"), b: fakeModel("b"), c: fakeModel("c") };
    const use = (key: keyof typeof models) =>
      manager.use(
        key,
        async () => models[key],
        async () => undefined,
      );
    await use("a");
    await use("b");
    await use("a"); // a is now more recent than b
    await use("c");
    expect(manager.loaded().sort()).toEqual(["a", "c"]);
    expect(models.b.dispose).toHaveBeenCalledTimes(1);
    expect(models.a.dispose).not.toHaveBeenCalled();
  });

  it("keeps to the memory budget but always keeps the model just loaded", async () => {
    const manager = new ModelManager<Fake>({ memoryBudgetBytes: 100 });
    await manager.preload("a", async () => fakeModel("a", 60));
    await manager.preload("b", async () => fakeModel("b", 60));
    expect(manager.loaded()).toEqual(["b"]);
    await manager.preload("huge", async () => fakeModel("huge", 500));
    expect(manager.loaded()).toEqual(["huge"]);
    expect(manager.loadedBytes()).toBe(500);
  });

  it("never disposes a model while a call uses it; disposes when the call ends", async () => {
    const manager = new ModelManager<Fake>({ maxLoadedModels: 1 });
    const a = fakeModel("a");
    const inside = deferred<void>();
    const running = manager.use(
      "a",
      async () => a,
      () => inside.promise,
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    await manager.preload("b", async () => fakeModel("b"));
    expect(manager.loaded()).toEqual(["b"]);
    expect(a.dispose).not.toHaveBeenCalled();
    inside.resolve();
    await running;
    expect(a.dispose).toHaveBeenCalledTimes(1);
  });

  it("unload and unloadAll dispose; unloading an unknown key returns false", async () => {
    const manager = new ModelManager<Fake>();
    const a = fakeModel("a");
    const b = fakeModel("b");
    await manager.preload("a", async () => a);
    await manager.preload("b", async () => b);
    expect(await manager.unload("a")).toBe(true);
    expect(await manager.unload("a")).toBe(false);
    expect(a.dispose).toHaveBeenCalledTimes(1);
    await manager.unloadAll();
    expect(b.dispose).toHaveBeenCalledTimes(1);
    expect(manager.loaded()).toEqual([]);
  });

  it("unload while the model is loading waits for the load and disposes it: no session is left behind", async () => {
    const manager = new ModelManager<Fake>();
    const gate = deferred<Fake>();
    const a = fakeModel("a");
    const first = manager.use(
      "a",
      () => gate.promise,
      async (model) => model.name,
    );
    const unloading = manager.unload("a");
    let unloaded: boolean | undefined;
    void unloading.then((value) => {
      unloaded = value;
    });
    await Promise.resolve();
    expect(unloaded).toBeUndefined();
    gate.resolve(a);
    // The caller that started the load still gets the model; then it is released.
    expect(await first).toBe("a");
    expect(await unloading).toBe(true);
    expect(a.dispose).toHaveBeenCalledTimes(1);
    expect(manager.loaded()).toEqual([]);
    expect(manager.loadedBytes()).toBe(0);
  });

  it("unloadAll (dispose) during a load, with the load's caller gone, leaves nothing loaded", async () => {
    const manager = new ModelManager<Fake>();
    const gate = deferred<Fake>();
    const a = fakeModel("a");
    void manager.preload("a", () => gate.promise);
    const disposing = manager.unloadAll();
    gate.resolve(a);
    await disposing;
    expect(a.dispose).toHaveBeenCalledTimes(1);
    expect(manager.loaded()).toEqual([]);
  });

  it("a load that fails during unload leaves nothing behind and unload reports nothing unloaded", async () => {
    const manager = new ModelManager<Fake>();
    const gate = deferred<Fake>();
    const using = manager.use(
      "a",
      () => gate.promise,
      async () => 1,
    );
    const unloading = manager.unload("a");
    gate.reject(new Error("boom"));
    await expect(using).rejects.toThrow("boom");
    expect(await unloading).toBe(false);
    expect(manager.loaded()).toEqual([]);
  });
});
