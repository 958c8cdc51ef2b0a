/** A `CliIo` over buffers, so tests run the `cordon` program in-process and read what it printed. */
import { Readable } from "node:stream";
import type { CliIo, OutputStream } from "../../../cli/io.js";
import { runCli } from "../../../cli/program.js";

export interface CapturedStream extends OutputStream {
  text: string;
}

export interface MemoryIo extends CliIo {
  stdout: CapturedStream;
  stderr: CapturedStream;
  controller: AbortController;
}

export function capture(isTTY = false): CapturedStream {
  const stream: CapturedStream = {
    text: "",
    isTTY,
    write(chunk: string) {
      stream.text += chunk;
      return true;
    },
  };
  return stream;
}

export function memoryIo(
  options: {
    env?: Record<string, string | undefined>;
    cwd?: string;
    homedir?: string;
    stdin?: string | Buffer;
    fetch?: typeof fetch;
    tty?: boolean;
  } = {},
): MemoryIo {
  const controller = new AbortController();
  return {
    stdout: capture(options.tty ?? false),
    stderr: capture(options.tty ?? false),
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    homedir: options.homedir ?? "/nonexistent-home",
    fetch: options.fetch ?? globalThis.fetch,
    signal: controller.signal,
    controller,
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  io: MemoryIo;
}

/** Runs `cordon ARGS…` in-process. */
export async function cordon(
  args: readonly string[],
  options: Parameters<typeof memoryIo>[0] = {},
): Promise<CliRun> {
  const io = memoryIo(options);
  const code = await runCli(args, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text, io };
}
