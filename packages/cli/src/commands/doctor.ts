// `lathe doctor`: is there a WebGPU adapter, which backend, what limits and features — or how to install one.
import { doctor, formatDoctor } from "@lathe/gpu";

export async function doctorCommand(): Promise<number> {
  const report = await doctor();
  process.stdout.write(`${formatDoctor(report)}\n`);
  return 0;
}
