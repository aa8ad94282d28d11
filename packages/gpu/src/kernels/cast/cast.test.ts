// f32 <-> f16 casts: the bit conversion against Math.f16round (ties to even, overflow to inf, subnormals), the CPU
// and WebGPU backends against it (exactly: both convert in integer arithmetic), odd sizes, and the cast gradient.
// WebGPU tests skip with a printed reason when there is no adapter or it lacks shader-f16.
import { describe, expect, test } from "bun:test";
import { backward } from "../../autograd.ts";
import { getDevice } from "../../get-device.ts";
import { ops } from "../../ops/index.ts";
import type { Device } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";
import { f16Bits, halfToFloat, roundF16 } from "./reference.ts";

const cpu = await getDevice({ backend: "cpu" });
const gpuAny = await testDevice();
const gpu = gpuAny?.supportsF16 ? gpuAny : null;
if (gpuAny && !gpu) console.warn("[@lathe/gpu] skipping WebGPU f16 tests: the adapter lacks shader-f16");

const f16round = (Math as unknown as { f16round: (x: number) => number }).f16round;

// [name, input, expected f16 value]
const EDGE: [string, number, number][] = [
  ["one", 1, 1],
  ["a tie between 1 and the next f16 rounds down to even", 1 + 2 ** -11, 1],
  ["a tie between an odd and an even mantissa rounds up to even", 1 + 3 * 2 ** -11, 1 + 2 ** -9],
  ["just above a tie rounds up", 1 + 2 ** -11 + 2 ** -20, 1 + 2 ** -10],
  ["the largest f16 stays", 65504, 65504],
  ["just below the overflow tie rounds to the largest f16", 65519.99, 65504],
  ["the overflow tie goes to infinity", 65520, Infinity],
  ["large values overflow to infinity", 1e6, Infinity],
  ["large negative values overflow to -infinity", -3e38, -Infinity],
  ["the smallest normal stays", 2 ** -14, 2 ** -14],
  ["the largest subnormal stays", 1023 * 2 ** -24, 1023 * 2 ** -24],
  ["the smallest subnormal stays", 2 ** -24, 2 ** -24],
  ["a subnormal tie rounds to even", 1.5 * 2 ** -24, 2 ** -23],
  ["half the smallest subnormal ties to zero", 2 ** -25, 0],
  ["just above half the smallest subnormal rounds up", 2 ** -25 * 1.001, 2 ** -24],
  ["a value below the subnormals flushes to zero", 1e-10, 0],
  ["rounding up out of the subnormals gives the smallest normal", 2 ** -14 - 2 ** -26, 2 ** -14],
  ["negative zero keeps its sign", -0, -0],
  ["infinity stays", -Infinity, -Infinity],
  ["0.1 rounds to its nearest f16", 0.1, 0.0999755859375],
];

describe("the f16 bit conversion (reference)", () => {
  test.each(EDGE)("%s", (_n, x, want) => {
    expect(Object.is(roundF16(x), want)).toBe(true);
    expect(Object.is(roundF16(x), f16round(Math.fround(x)))).toBe(true);
  });

  test("NaN stays NaN", () => {
    expect(Number.isNaN(roundF16(NaN))).toBe(true);
    expect(f16Bits(NaN) & 0x7c00).toBe(0x7c00);
  });

  test("agrees with Math.f16round on 200000 f32 values across the whole exponent range", () => {
    const bits = new Uint32Array(200000);
    let s = 12345;
    for (let i = 0; i < bits.length; i++) bits[i] = s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const xs = new Float32Array(bits.buffer);
    let bad = 0;
    for (const x of xs) if (!Number.isNaN(x) && !Object.is(roundF16(x), f16round(x))) bad++;
    expect(bad).toBe(0);
  });

  test("every one of the 65536 f16 patterns converts to f32 and back unchanged", () => {
    for (let h = 0; h < 65536; h++) {
      const v = halfToFloat(h);
      if (Number.isNaN(v)) continue;
      expect(f16Bits(v)).toBe(h);
    }
  });
});

const edgeInputs = Float32Array.from(EDGE.map((e) => e[1]));
const edgeWant = Float32Array.from(EDGE.map((e) => e[2]));

function backendCases(name: string, get: () => Device | null): void {
  describe.skipIf(!get())(`cast on ${name}`, () => {
    test("f32 -> f16 rounds every edge case like the reference, bit for bit", async () => {
      const dev = get()!;
      const h = ops.cast(dev.tensor(edgeInputs, [edgeInputs.length]), "f16");
      expect(h.dtype).toBe("f16");
      const got = (await h.read()) as Float32Array;
      expect(Buffer.from(got.buffer).equals(Buffer.from(edgeWant.buffer))).toBe(true);
    });

    test.each([1, 2, 3, 257, 1025])("random values of odd and even size %i round trip through f16 to the reference", async (n) => {
      const dev = get()!;
      const x = (await cpu.randn([n], 3, n).read()) as Float32Array;
      const back = (await ops.cast(ops.cast(dev.tensor(x, [n]), "f16"), "f32").read()) as Float32Array;
      expect(back.length).toBe(n);
      expect(Array.from(back)).toEqual(Array.from(x, roundF16));
    });

    test("an f16 tensor made from data reads back the rounded values, and fill rounds its value", async () => {
      const dev = get()!;
      const t = dev.tensor([0.1, 70000, -(2 ** -25) * 3], [3], { dtype: "f16" });
      expect(Array.from(await t.read())).toEqual([roundF16(0.1), Infinity, -(2 ** -24) * 2]);
      t.write(Float32Array.of(1 / 3, 2, 3));
      expect(Array.from(await t.read())).toEqual([roundF16(1 / 3), 2, 3]);
      expect(Array.from(await dev.full([5], 0.1, "f16").read())).toEqual(Array(5).fill(roundF16(0.1)));
    });

    test("the gradient of a cast is cast back: d/dx sum(f32(f16(x)) * r) = f16(r)", async () => {
      const dev = get()!;
      const x = dev.randn([3, 7], 1, 5, { requiresGrad: true, name: "x" });
      const r = (await cpu.randn([3, 7], 1, 6).read()) as Float32Array;
      backward(ops.sum(ops.mul(ops.cast(ops.cast(x, "f16"), "f32"), dev.tensor(r, [3, 7]))));
      expect(x.grad!.dtype).toBe("f32");
      expect(Array.from(await x.grad!.read())).toEqual(Array.from(r, roundF16));
    });

    test("casting to the same dtype is a view of the same values", async () => {
      const dev = get()!;
      const x = dev.tensor([1.5, -2], [2], { dtype: "f16" });
      const y = ops.cast(x, "f16");
      expect(y.dtype).toBe("f16");
      expect(Array.from(await y.read())).toEqual([1.5, -2]);
    });
  });
}

backendCases("cpu", () => cpu);
backendCases("webgpu", () => gpu);
