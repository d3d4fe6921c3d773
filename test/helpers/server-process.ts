import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from './start-test-chat.js';

/** A free TCP port on 127.0.0.1, so a restarted server can come back on the same address. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `frontdesk start` as a child process, exactly as `npm start` does, and waits until it serves. */
export async function startServerProcess(options: { port: number; env: Record<string, string>; taskset?: string }): Promise<ServerProcess> {
  const args = ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), 'start'];
  const command = options.taskset ? 'taskset' : process.execPath;
  const commandArgs = options.taskset ? ['-c', options.taskset, process.execPath, ...args] : args;
  const child = spawn(command, commandArgs, {
    cwd: projectRoot,
    env: { ...process.env, PORT: String(options.port), FRONTDESK_HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 30 s:\n${output}`)), 30_000);
    const check = () => {
      if (output.includes('Frontdesk is serving')) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before serving:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${options.port}`,
    child,
    output: () => output,
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
