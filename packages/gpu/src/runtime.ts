// The WebGPU runtime: pipeline cache keyed by (source, constants), pooled storage buffers in size classes,
// one shared command encoder/compute pass that ops append to (submitted on read, flush, or every
// MAX_PENDING dispatches), a uniform ring for per-dispatch params, error scopes that name the kernel, buffer views,
// and operand textures kept until their source bytes change (rowsTexture).
// One piece (over 400 lines) because the encoder, the pool, the uniform ring, the waits and the kept textures share
// state that must change together at each dispatch, copy and submit; splitting them would spread one invariant
// across files.
import { CapacityError, DeviceLostError, GpuKernelError } from "./errors.ts";
import { type AcquiredDevice, isSoftwareAdapterName } from "./device.ts";

/** Bytes of textures rowsTexture() may keep; past it, the kept textures are all dropped. */
const ROW_TEXTURE_CAP = 256 * 1024 * 1024;
/** Dispatches per submit before an automatic flush. */
const MAX_PENDING = 1024;
const UNIFORM_SLOT = 256;
const UNIFORM_RING = 4096 * UNIFORM_SLOT;
/** Fraction of a wait's estimated duration slept before Dawn's busy-polling wait (see Runtime.#wait). */
const WAIT_SLEEP_FRACTION = 0.8;
/** Waits estimated shorter than this (ms) are not slept through: timer granularity would dominate. */
const WAIT_SLEEP_MIN_MS = 2;
/** Wait estimates are kept per kind of work since the last wait (#workKey); the table is cleared when it grows past this. */
const WAIT_TABLE_MAX = 256;
const WORK_KEY_SEED = 0x811c9dc5;
const kernelIds = new Map<string, number>();
function kernelId(name: string): number {
  let id = kernelIds.get(name);
  if (id === undefined) kernelIds.set(name, (id = kernelIds.size + 1));
  return id;
}
/** FNV-1a-style mixing of one dispatch (kernel id and grid) or copy into the running work key. */
function mixWorkKey(k: number, a: number, b: number, c: number, d: number): number {
  k = Math.imul(k ^ a, 0x01000193);
  k = Math.imul(k ^ b, 0x01000193);
  k = Math.imul(k ^ c, 0x01000193);
  return Math.imul(k ^ d, 0x01000193) >>> 0;
}

/** LATHE_WAIT_SLEEP=0 turns the sleep off (for measuring it: bench/wait.ts). */
const WAIT_SLEEP = process.env.LATHE_WAIT_SLEEP !== "0";

let nextId = 1;

/**
 * A pooled GPU buffer, or a view of `bytes` at byte `offset` inside one (a multiple of
 * minStorageBufferOffsetAlignment; made by view(), never pooled). `bytes` is the requested size; a pooled
 * GPUBuffer may be larger (size class).
 */
export class GpuBuf {
  constructor(
    readonly buffer: GPUBuffer,
    readonly bytes: number,
    readonly offset = 0,
    readonly isView = false,
  ) {}
}

/** A pooled rgba32float texture (width x height texels), for kernels that read operands through textureLoad. */
export class GpuTex {
  constructor(
    readonly texture: GPUTexture,
    readonly view: GPUTextureView,
  ) {}
}

/** A kernel binding: a storage buffer or a texture. */
export type GpuRes = GpuBuf | GpuTex;

/** Round a byte size up to its pool class: 4 classes per power of two, at least 256 bytes. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const p = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = Math.max(p / 4, 256);
  return Math.ceil(bytes / step) * step;
}

export interface KernelSpec {
  /** Shown in errors and profiles. */
  readonly name: string;
  readonly code: string;
  /** WGSL override constants. */
  readonly constants?: Readonly<Record<string, number>>;
}

export class Runtime {
  readonly device: GPUDevice;
  readonly limits: GPUSupportedLimits;
  readonly features: readonly string[];
  readonly name: string;
  /** The adapter runs kernels on this machine's CPU (lavapipe, SwiftShader): kernels pick CPU-friendly variants. */
  readonly software: boolean;
  #acq: AcquiredDevice;
  #pipelines = new Map<string, Map<string, GPUComputePipeline>>();
  #bindGroups = new Map<string, GPUBindGroup>();
  #pool = new Map<number, GPUBuffer[]>();
  #texPool = new Map<string, GpuTex[]>();
  /** rowsTexture()'s copies by source buffer, each with the byte range it holds; dropped when the range is written. */
  #rowTextures = new Map<GPUBuffer, { start: number; end: number; rowFloats: number; rows: number; tex: GpuTex }[]>();
  #rowTextureBytes = 0;
  #staging: GPUBuffer[] = [];
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #pending = 0;
  #pendingBufs = new Set<GPUBuffer>();
  #kernelsInBatch = new Set<string>();
  #uniform: GPUBuffer;
  #uniformOffset = 0;
  #uniformData = new ArrayBuffer(UNIFORM_RING);
  #errors: Promise<Error | null>[] = [];
  #uncaptured: Error | null = null;
  #lost: DeviceLostError | null = null;
  #destroyed = false;
  #dummies: GpuBuf[] = [];
  /**
   * A hash of the work encoded since the last wait (each dispatch's kernel and grid, each copy's size): the key of
   * the wait estimate. Keyed by what the work is, not by how much, so a short wait is never slept through on the
   * estimate of a long one with the same dispatch count.
   */
  #workKey = WORK_KEY_SEED;
  /** First submit since the last wait (performance.now() ms), or null when nothing was submitted. */
  #firstSubmitAt: number | null = null;
  /** Estimated ms from first submit to completion, per #workKey. */
  #waitEstimate = new Map<number, number>();
  #profiler: Profiler | null = null;
  /** Bytes held by live buffers and by the pool. */
  liveBytes = 0;
  pooledBytes = 0;
  submits = 0;
  dispatches = 0;

  constructor(acq: AcquiredDevice) {
    this.#acq = acq;
    this.device = acq.device;
    this.limits = acq.device.limits;
    this.features = acq.features;
    this.name = acq.adapterName;
    this.software = isSoftwareAdapterName(acq.adapterName);
    if (process.env.LATHE_GPU_PROFILE === "1" && acq.features.includes("timestamp-query")) this.#profiler = new Profiler(acq.device);
    this.#uniform = this.device.createBuffer({ size: UNIFORM_RING, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: "lathe.params" });
    this.device.lost.then((info) => {
      if (!this.#destroyed) this.#lost = new DeviceLostError(String(info.reason), info.message);
    });
    this.device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
      const kind = ev.error instanceof GPUOutOfMemoryError ? "out-of-memory" : ev.error instanceof GPUValidationError ? "validation" : "internal";
      this.#uncaptured ??= new GpuKernelError([...this.#kernelsInBatch].join(", ") || "(unknown)", kind, ev.error.message);
    };
  }

  /** Allocate a storage buffer of at least `bytes`, from the pool when possible. */
  alloc(bytes: number, what: string): GpuBuf {
    this.#check();
    const lim = this.limits.maxStorageBufferBindingSize;
    if (bytes > lim) throw new CapacityError(what, bytes, "maxStorageBufferBindingSize", lim);
    if (bytes > this.limits.maxBufferSize) throw new CapacityError(what, bytes, "maxBufferSize", this.limits.maxBufferSize);
    const size = Math.min(sizeClass(bytes), Math.max(lim - (lim % 4), 4));
    const free = this.#pool.get(size);
    let buffer = free?.pop();
    if (buffer) this.pooledBytes -= size;
    else buffer = this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label: what });
    this.liveBytes += size;
    return new GpuBuf(buffer, bytes);
  }

  /** The i-th small placeholder buffer, bound to slots a kernel variant does not use (distinct per slot). */
  dummy(i: number): GpuBuf {
    while (this.#dummies.length <= i) {
      const buffer = this.device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE, label: `lathe.dummy${this.#dummies.length}` });
      this.#dummies.push(new GpuBuf(buffer, 16));
    }
    return this.#dummies[i];
  }

  /**
   * A view of `bytes` at byte `offset` of base (itself not a view): kernels bind just that range. The offset must be
   * a multiple of minStorageBufferOffsetAlignment. The base owns the memory: free() ignores views.
   */
  view(base: GpuBuf, offset: number, bytes: number): GpuBuf {
    const align = this.limits.minStorageBufferOffsetAlignment;
    if (base.isView || offset % align !== 0 || offset + bytes > base.bytes)
      throw new RangeError(`view of ${bytes} bytes at ${offset} of a ${base.bytes}-byte buffer: the offset must be a multiple of ${align} and the range inside the buffer`);
    return new GpuBuf(base.buffer, bytes, offset, true);
  }

  /** Return a buffer to the pool. Safe while encoded work still uses it: later work is ordered after it. */
  free(b: GpuBuf): void {
    if (b.isView) return;
    const size = b.buffer.size;
    this.liveBytes -= size;
    this.pooledBytes += size;
    let list = this.#pool.get(size);
    if (!list) this.#pool.set(size, (list = []));
    list.push(b.buffer);
  }

  /**
   * A width x height rgba32float texture that kernels write as a storage texture and read with textureLoad, from
   * the pool when one of that size is free; the caller checks both sides against maxTextureDimension2D.
   */
  allocTexture(width: number, height: number, what: string): GpuTex {
    this.#check();
    const lim = this.limits.maxTextureDimension2D;
    if (width > lim || height > lim) throw new CapacityError(what, Math.max(width, height), "maxTextureDimension2D", lim);
    const key = `${width}x${height}`;
    const t = this.#texPool.get(key)?.pop();
    const bytes = width * height * 16;
    this.liveBytes += bytes;
    if (t) {
      this.pooledBytes -= bytes;
      return t;
    }
    const texture = this.device.createTexture({
      size: [width, height], format: "rgba32float", label: what,
      usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
    });
    return new GpuTex(texture, texture.createView());
  }

  /** Return a texture to the pool; like free(), safe while encoded work still uses it. */
  freeTexture(t: GpuTex): void {
    const bytes = t.texture.width * t.texture.height * 16;
    this.liveBytes -= bytes;
    this.pooledBytes += bytes;
    const key = `${t.texture.width}x${t.texture.height}`;
    let list = this.#texPool.get(key);
    if (!list) this.#texPool.set(key, (list = []));
    list.push(t);
  }

  /**
   * A texture holding `rows` rows of `rowFloats` floats (a multiple of 64) of src from byte srcOffset, as
   * copyBufferToTexture lays them out: texel (x, y) = row y, floats 4x .. 4x+3. The copy is made once and kept
   * until a dispatch binds, a copy writes or write() uploads any of those bytes, so an operand used by several
   * products (a matmul's input and weight, again in its backward) is copied once. The texture is the runtime's:
   * read it, don't free it.
   */
  rowsTexture(src: GpuBuf, srcOffset: number, rowFloats: number, rows: number): GpuTex {
    const start = src.offset + srcOffset;
    const list = this.#rowTextures.get(src.buffer);
    const hit = list?.find((e) => e.start === start && e.rowFloats === rowFloats && e.rows === rows);
    if (hit) return hit.tex;
    const tex = this.allocTexture(rowFloats / 4, rows, `operand texture (${rows}x${rowFloats / 4} texels)`);
    this.copyToTexture(tex, src, srcOffset, rowFloats * 4, rowFloats / 4, rows, 0);
    const bytes = rowFloats * 4 * rows;
    if (this.#rowTextureBytes + bytes > ROW_TEXTURE_CAP) this.#dropRowTextures();
    if (list) list.push({ start, end: start + bytes, rowFloats, rows, tex });
    else this.#rowTextures.set(src.buffer, [{ start, end: start + bytes, rowFloats, rows, tex }]);
    this.#rowTextureBytes += bytes;
    return tex;
  }

  /** Forget rowsTexture() copies of bytes [start, end) of buffer: they are about to change. */
  #touch(buffer: GPUBuffer, start: number, end: number): void {
    const list = this.#rowTextures.get(buffer);
    if (!list) return;
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i];
      if (e.start >= end || start >= e.end) continue;
      list.splice(i, 1);
      this.freeTexture(e.tex); // safe: work already encoded that reads it runs before any later reuse
      this.#rowTextureBytes -= e.end - e.start;
    }
    if (list.length === 0) this.#rowTextures.delete(buffer);
  }

  #dropRowTextures(): void {
    for (const list of this.#rowTextures.values()) for (const e of list) this.freeTexture(e.tex);
    this.#rowTextures.clear();
    this.#rowTextureBytes = 0;
  }

  /** Upload data (flushes first when pending work touches the buffer, so order is kept). */
  write(b: GpuBuf, data: ArrayBufferView, byteOffset = 0): void {
    this.#check();
    this.#touch(b.buffer, b.offset + byteOffset, b.offset + byteOffset + data.byteLength);
    if (this.#pendingBufs.has(b.buffer)) this.flush();
    this.device.queue.writeBuffer(b.buffer, b.offset + byteOffset, data.buffer, data.byteOffset, data.byteLength);
  }

  #pipeline(spec: KernelSpec): GPUComputePipeline {
    // Two levels so the (long, module-constant) source string is hashed once by the engine, not concatenated per dispatch.
    let byConstants = this.#pipelines.get(spec.code);
    if (!byConstants) this.#pipelines.set(spec.code, (byConstants = new Map()));
    const key = spec.constants ? JSON.stringify(spec.constants) : "";
    let p = byConstants.get(key);
    if (!p) {
      this.device.pushErrorScope("validation");
      const module = this.device.createShaderModule({ code: spec.code, label: spec.name });
      p = this.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main", constants: spec.constants ?? {} }, label: spec.name });
      const cache = byConstants;
      this.#errors.push(
        this.device.popErrorScope().then((e) => {
          if (!e) return null;
          cache.delete(key); // the next use recompiles and reports the same error, not "invalid pipeline"
          return new GpuKernelError(spec.name, "validation", e.message);
        }),
      );
      byConstants.set(key, p);
    }
    return p;
  }

  #encoderPass(): GPUComputePassEncoder {
    this.#encoder ??= this.device.createCommandEncoder();
    this.#pass ??= this.#encoder.beginComputePass();
    return this.#pass;
  }

  /**
   * Encode one dispatch. Buffers and textures bind at 0..n-1 in order; params (if any) bind as a uniform at
   * binding n. workgroups: [x, y?, z?].
   */
  dispatch(spec: KernelSpec, buffers: readonly GpuRes[], params: ArrayBuffer | null, workgroups: readonly number[]): void {
    this.#check();
    const [x, y = 1, z = 1] = workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const pipeline = this.#pipeline(spec);
    let uOff = -1;
    if (params) {
      if (this.#uniformOffset + UNIFORM_SLOT > UNIFORM_RING) this.flush();
      uOff = this.#uniformOffset;
      new Uint8Array(this.#uniformData, uOff, params.byteLength).set(new Uint8Array(params));
      this.#uniformOffset += UNIFORM_SLOT;
    }
    const key = `${buffers.map((b) => (b instanceof GpuTex ? objectId(b.texture) : b.isView ? `${objectId(b.buffer)}@${b.offset}` : objectId(b.buffer))).join(",")}|${uOff}|${objectId(pipeline)}`;
    let bg = this.#bindGroups.get(key);
    if (!bg) {
      if (this.#bindGroups.size > 8192) this.#bindGroups.clear();
      const entries: GPUBindGroupEntry[] = buffers.map((b, i) => ({ binding: i, resource: b instanceof GpuTex ? b.view : bufferBinding(b) }));
      if (params) entries.push({ binding: buffers.length, resource: { buffer: this.#uniform, offset: uOff, size: params.byteLength } });
      this.device.pushErrorScope("validation");
      bg = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries, label: spec.name });
      this.#errors.push(this.device.popErrorScope().then((e) => (e ? new GpuKernelError(spec.name, "validation", e.message) : null)));
      this.#bindGroups.set(key, bg);
    }
    if (this.#profiler?.full()) this.flush();
    const pass = this.#profiler ? this.#profiler.pass((this.#encoder ??= this.device.createCommandEncoder()), spec.name) : this.#encoderPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(x, y, z);
    if (this.#profiler) pass.end();
    for (const b of buffers) {
      if (b instanceof GpuTex) continue;
      this.#pendingBufs.add(b.buffer);
      if (this.#rowTextures.size) this.#touch(b.buffer, b.offset, b.isView ? b.offset + b.bytes : b.buffer.size); // any binding may write
    }
    this.#kernelsInBatch.add(spec.name);
    this.#workKey = mixWorkKey(this.#workKey, kernelId(spec.name), x, y, z);
    this.dispatches++;
    if (++this.#pending >= MAX_PENDING) this.flush();
  }

  /** Encode a buffer-to-buffer copy. */
  copy(dst: GpuBuf, src: GpuBuf, bytes: number, dstOffset = 0, srcOffset = 0): void {
    this.#check();
    if (bytes === 0) return;
    this.#encoderPass();
    this.#pass!.end();
    this.#pass = null;
    this.#encoder!.copyBufferToBuffer(src.buffer, src.offset + srcOffset, dst.buffer, dst.offset + dstOffset, bytes);
    this.#touch(dst.buffer, dst.offset + dstOffset, dst.offset + dstOffset + bytes);
    this.#pendingBufs.add(dst.buffer);
    this.#pendingBufs.add(src.buffer);
    this.#workKey = mixWorkKey(this.#workKey, 0, bytes, 0, 0);
    this.#pending++;
  }

  /**
   * Encode a copy of `height` rows of `bytesPerRow` bytes (a multiple of 256) from src at srcOffset into the
   * `width`-texel-wide region of t starting at row `y`.
   */
  copyToTexture(t: GpuTex, src: GpuBuf, srcOffset: number, bytesPerRow: number, width: number, height: number, y: number): void {
    this.#check();
    if (width === 0 || height === 0) return;
    this.#encoderPass();
    this.#pass!.end();
    this.#pass = null;
    this.#encoder!.copyBufferToTexture({ buffer: src.buffer, offset: src.offset + srcOffset, bytesPerRow, rowsPerImage: height }, { texture: t.texture, origin: [0, y, 0] }, [width, height, 1]);
    this.#pendingBufs.add(src.buffer);
    this.#workKey = mixWorkKey(this.#workKey, 1, width, height, 0);
    this.#pending++;
  }

  /** Submit everything encoded so far. */
  flush(): void {
    if (!this.#encoder) return;
    this.#pass?.end();
    this.#pass = null;
    if (this.#uniformOffset > 0) this.device.queue.writeBuffer(this.#uniform, 0, this.#uniformData, 0, this.#uniformOffset);
    this.#profiler?.resolve(this.#encoder);
    this.device.queue.submit([this.#encoder.finish()]);
    this.#profiler?.collect();
    this.submits++;
    this.#firstSubmitAt ??= performance.now();
    this.#encoder = null;
    this.#pending = 0;
    this.#uniformOffset = 0;
    this.#pendingBufs.clear();
  }

  /** Flush, copy `bytes` of b to the host and wait; throws the first recorded kernel/device error. */
  async read(b: GpuBuf, bytes: number): Promise<ArrayBuffer> {
    this.#check();
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const idx = this.#staging.findIndex((s) => s.size >= size);
    const staging = idx >= 0 ? this.#staging.splice(idx, 1)[0] : this.device.createBuffer({ size: sizeClass(size), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.#encoderPass();
    this.#pass!.end();
    this.#pass = null;
    this.#encoder!.copyBufferToBuffer(b.buffer, b.offset, staging, 0, size);
    this.flush();
    await this.#wait(() => staging.mapAsync(GPUMapMode.READ, 0, size));
    const out = staging.getMappedRange(0, size).slice(0, bytes);
    staging.unmap();
    this.#staging.push(staging);
    await this.checkErrors();
    return out;
  }

  /** Wait for the queue and throw the first recorded error naming its kernel. */
  async checkErrors(): Promise<void> {
    const errs = await Promise.all(this.#errors.splice(0));
    this.#kernelsInBatch.clear();
    const e = errs.find((x) => x !== null) ?? this.#uncaptured ?? this.#lost;
    this.#uncaptured = null;
    if (e) throw e;
  }

  /** Per-kernel GPU time (ms) and dispatch counts; only with LATHE_GPU_PROFILE=1 and timestamp-query. */
  async profile(): Promise<Record<string, { ms: number; count: number }> | null> {
    if (!this.#profiler) return null;
    this.flush();
    return this.#profiler.totals();
  }

  async sync(): Promise<void> {
    this.flush();
    await this.#wait(() => this.device.queue.onSubmittedWorkDone());
    await this.checkErrors();
  }

  /**
   * Awaits `done` (a Dawn wait for everything submitted so far). Dawn's waits busy-poll the main thread, taking a
   * core from lavapipe's workers on a small CPU, so when the same work (the same kernels and grids since the last
   * wait) was waited for before, this first sleeps WAIT_SLEEP_FRACTION of its estimated duration, less the time
   * already passed since the first submit. The estimate follows the measurement down at once and up by a moving
   * average, so an oversleep shrinks it. Sleeping only delays the call to `done`; completions are never lost.
   */
  async #wait(done: () => Promise<void>): Promise<void> {
    const key = this.#workKey;
    const start = this.#firstSubmitAt;
    this.#workKey = WORK_KEY_SEED;
    this.#firstSubmitAt = null;
    if (start === null) return done();
    const est = this.#waitEstimate.get(key);
    if (WAIT_SLEEP && est !== undefined && est >= WAIT_SLEEP_MIN_MS) {
      const left = WAIT_SLEEP_FRACTION * est - (performance.now() - start);
      if (left >= 1) await new Promise<void>((resolve) => setTimeout(resolve, left));
    }
    await done();
    const took = performance.now() - start;
    if (this.#waitEstimate.size >= WAIT_TABLE_MAX) this.#waitEstimate.clear();
    this.#waitEstimate.set(key, est === undefined || took < est ? took : 0.7 * est + 0.3 * took);
  }

  #check(): void {
    if (this.#lost) throw this.#lost;
    if (this.#destroyed) throw new DeviceLostError("destroyed", "the device was destroyed with destroy()");
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#pass = null;
    this.#encoder = null;
    for (const list of this.#pool.values()) for (const b of list) b.destroy();
    for (const list of this.#texPool.values()) for (const t of list) t.texture.destroy();
    this.#texPool.clear();
    for (const b of this.#staging) b.destroy();
    this.#pool.clear();
    for (const d of this.#dummies) d.buffer.destroy();
    this.#uniform.destroy();
    this.device.destroy();
    void this.#acq;
  }
}

/** A storage binding: the whole (pooled) buffer, or just a view's range (rounded up to 4 bytes). */
function bufferBinding(b: GpuBuf): GPUBufferBinding {
  return b.isView ? { buffer: b.buffer, offset: b.offset, size: Math.max(4, Math.ceil(b.bytes / 4) * 4) } : { buffer: b.buffer };
}

const objectIds = new WeakMap<object, number>();
/** A stable small id per GPU object, for cache keys (pooled buffers come back as the same GPUBuffer). */
function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = nextId++));
  return id;
}

/** Pack kernel params: ("u", n) u32, ("i", n) i32, ("f", x) f32, in WGSL struct order (4-byte fields). */
export function packParams(fields: readonly (readonly ["u" | "i" | "f", number])[]): ArrayBuffer {
  const buf = new ArrayBuffer(Math.max(16, Math.ceil((fields.length * 4) / 16) * 16));
  const dv = new DataView(buf);
  fields.forEach(([t, v], i) => {
    if (t === "f") dv.setFloat32(i * 4, v, true);
    else if (t === "i") dv.setInt32(i * 4, v, true);
    else dv.setUint32(i * 4, v >>> 0, true);
  });
  return buf;
}

/** Timestamp queries around each dispatch (one compute pass per dispatch while profiling). */
class Profiler {
  static readonly CAP = 2048;
  #set: GPUQuerySet;
  #resolveBuf: GPUBuffer;
  #names: string[] = [];
  #pending: Promise<void>[] = [];
  #totals: Record<string, { ms: number; count: number }> = {};

  constructor(private readonly device: GPUDevice) {
    this.#set = device.createQuerySet({ type: "timestamp", count: 2 * Profiler.CAP });
    this.#resolveBuf = device.createBuffer({ size: 16 * Profiler.CAP, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  }
  full(): boolean {
    return this.#names.length >= Profiler.CAP;
  }
  pass(enc: GPUCommandEncoder, name: string): GPUComputePassEncoder {
    const i = this.#names.push(name) - 1;
    return enc.beginComputePass({ timestampWrites: { querySet: this.#set, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
  }
  #read: GPUBuffer | null = null;
  resolve(enc: GPUCommandEncoder): void {
    const n = this.#names.length;
    if (n === 0) return;
    enc.resolveQuerySet(this.#set, 0, 2 * n, this.#resolveBuf, 0);
    this.#read = this.device.createBuffer({ size: 16 * n, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    enc.copyBufferToBuffer(this.#resolveBuf, 0, this.#read, 0, 16 * n);
  }
  collect(): void {
    const read = this.#read;
    const names = this.#names;
    this.#names = [];
    this.#read = null;
    if (!read) return;
    this.#pending.push(
      read.mapAsync(GPUMapMode.READ).then(() => {
        const t = new BigUint64Array(read.getMappedRange());
        names.forEach((name, i) => {
          const e = (this.#totals[name] ??= { ms: 0, count: 0 });
          e.ms += Number(t[2 * i + 1] - t[2 * i]) / 1e6;
          e.count++;
        });
        read.unmap();
        read.destroy();
      }),
    );
  }
  async totals(): Promise<Record<string, { ms: number; count: number }>> {
    await Promise.all(this.#pending.splice(0));
    return Object.fromEntries(Object.entries(this.#totals).sort((a, b) => b[1].ms - a[1].ms));
  }
}
