import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';
import { projectRoot } from '../helpers/start-test-chat.js';

const filesUnder = (directory: string): string[] =>
  readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.(ts|js|mts)$/.test(name) ? [path] : [];
  });

const importPattern = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

test('the core in src/ never imports from flows/ or adapters/', () => {
  const violations: string[] = [];
  for (const file of filesUnder(join(projectRoot, 'src'))) {
    readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
      for (const match of line.matchAll(importPattern)) {
        const specifier = match[1] ?? match[2]!;
        if (/(^|\/)(flows|adapters)\//.test(specifier) && specifier.startsWith('.')) violations.push(`${relative(projectRoot, file)}:${index + 1} imports ${specifier}`);
      }
    });
  }
  expect(violations, `the core must not know flows or adapters:\n${violations.join('\n')}`).toEqual([]);
});

test('flows and adapters reach the core only through src/index.ts', () => {
  const violations: string[] = [];
  for (const folder of ['flows', 'adapters']) {
    for (const file of filesUnder(join(projectRoot, folder))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
        for (const match of line.matchAll(importPattern)) {
          const specifier = match[1] ?? match[2]!;
          if (/\/src\//.test(specifier) && !/\/src\/index\.js$/.test(specifier)) violations.push(`${relative(projectRoot, file)}:${index + 1} imports ${specifier}`);
        }
      });
    }
  }
  expect(violations, `use the public API in src/index.ts:\n${violations.join('\n')}`).toEqual([]);
});
