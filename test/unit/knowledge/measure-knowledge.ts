/**
 * Measures the knowledge pipeline on the demo business (the figures in docs/knowledge.md):
 * `npx tsx test/unit/knowledge/measure-knowledge.ts`. Offline; uses a temporary data folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadFlows } from '../../../src/flow/load-flows.js';
import { loadWordVectors } from '../../../src/knowledge/embeddings/word-vectors.js';
import { setUpKnowledge } from '../../../src/knowledge/setup.js';
import { demoQuestions } from './demo-knowledge.js';

const root = resolve(import.meta.dirname, '../../..');
const dataDirectory = mkdtempSync(join(tmpdir(), 'frontdesk-measure-'));
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
try {
  let started = performance.now();
  await loadWordVectors();
  const wordVectorSeconds = (performance.now() - started) / 1000;
  const flows = (await loadFlows(join(root, 'flows'), { rootDirectory: root })).flows;
  const env = { FRONTDESK_KNOWLEDGE_DIR: join(root, 'knowledge') };
  started = performance.now();
  const cold = await setUpKnowledge({ rootDirectory: root, dataDirectory, flows, env });
  const coldSetup = (performance.now() - started) / 1000;
  cold.close();
  started = performance.now();
  const warm = await setUpKnowledge({ rootDirectory: root, dataDirectory, flows, env });
  const warmSetup = (performance.now() - started) / 1000;
  const searchTimes: number[] = [];
  const answerTimes: number[] = [];
  let top1 = 0;
  let answeredRight = 0;
  let answeredWrong = 0;
  let refusedInScope = 0;
  let outOfScopeAnswered = 0;
  const inScope = demoQuestions.filter((question) => !question.isOutOfScope);
  for (let round = 0; round < 5; round++) {
    for (const { question, sources, isOutOfScope } of demoQuestions) {
      let t = performance.now();
      const passages = await warm.knowledge.search(question);
      searchTimes.push(performance.now() - t);
      t = performance.now();
      const answer = await warm.service.answer(question);
      answerTimes.push(performance.now() - t);
      if (round > 0) continue;
      if (isOutOfScope) {
        if (answer.isConfident) outOfScopeAnswered++;
        continue;
      }
      if (sources.includes(passages[0]?.source ?? '')) top1++;
      if (!answer.isConfident) refusedInScope++;
      else if (sources.includes(answer.citations[0]?.source ?? '')) answeredRight++;
      else answeredWrong++;
    }
  }
  console.log(
    JSON.stringify(
      {
        chunks: warm.knowledge.size,
        files: cold.summary.files,
        firstIngestSeconds: Number(cold.summary.seconds.toFixed(3)),
        unchangedIngestSeconds: Number(warm.summary.seconds.toFixed(3)),
        routerTrainingSeconds: Number(warm.routerSeconds.toFixed(2)),
        wordVectorLoadSeconds: Number(wordVectorSeconds.toFixed(2)),
        coldSetupSeconds: Number(coldSetup.toFixed(2)),
        warmSetupSeconds: Number(warmSetup.toFixed(2)),
        searchTop1: `${top1}/${inScope.length}`,
        answeredRight: `${answeredRight}/${inScope.length}`,
        answeredWrong,
        refusedInScope,
        outOfScopeAnswered: `${outOfScopeAnswered}/${demoQuestions.length - inScope.length}`,
        searchP50Ms: Number(percentile(searchTimes, 50).toFixed(3)),
        searchP99Ms: Number(percentile(searchTimes, 99).toFixed(3)),
        answerP50Ms: Number(percentile(answerTimes, 50).toFixed(3)),
        answerP99Ms: Number(percentile(answerTimes, 99).toFixed(3)),
        queries: searchTimes.length,
      },
      null,
      2,
    ),
  );
  warm.close();
} finally {
  rmSync(dataDirectory, { recursive: true, force: true });
}
