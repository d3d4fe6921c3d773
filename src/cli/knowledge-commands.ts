import type { Command } from 'commander';
import type { IngestProgress, IngestSummary } from '../knowledge/knowledge-base.js';
import { setUpKnowledge, type KnowledgeSetup } from '../knowledge/setup.js';
import { readKnowledgeSettings } from '../knowledge/settings.js';
import type { Logger } from '../logger.js';
import { boot, type Boot } from './boot.js';

/** A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal (logs, CI). */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): { update(progress: IngestProgress): void; done(): void } {
  let isDrawn = false;
  return {
    update(progress) {
      if (!stream.isTTY) return;
      const width = 28;
      const share = progress.total === 0 ? 1 : Math.min(1, progress.done / progress.total);
      const filled = Math.round(share * width);
      const label = progress.phase === 'saving' ? 'saving index' : `${progress.phase} ${progress.source ?? ''}`;
      stream.write(`\r\u001b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress.done}/${progress.total} ${label.slice(0, 60)}`);
      isDrawn = true;
    },
    done() {
      if (isDrawn) stream.write('\r\u001b[2K');
      isDrawn = false;
    },
  };
}

/** The ingest summary as people read it. */
export function formatIngestSummary(summary: IngestSummary): string {
  const lines = [
    `Knowledge: ${summary.files} files (${summary.filesChanged} new or changed, ${summary.filesRemoved} removed); ` +
      `chunks ${summary.chunksAdded} added, ${summary.chunksUnchanged} unchanged, ${summary.chunksRemoved} removed; ` +
      `${summary.embedded} embedded with ${summary.embedderId}; ${summary.warnings.length} warning${summary.warnings.length === 1 ? '' : 's'}; ${summary.seconds.toFixed(2)} s` +
      (summary.rebuiltBecause ? ` (full build: ${summary.rebuiltBecause})` : ''),
  ];
  for (const warning of summary.warnings) lines.push(`  warning: ${warning.source} ${warning.message}`);
  return lines.join('\n');
}

/** Ingest + router + services for the `start` and `chat` actions, with the bar and the summary on stderr. */
export async function prepareKnowledge(booted: Boot, options: { logger?: Logger; quiet?: boolean } = {}): Promise<KnowledgeSetup> {
  const bar = createProgressBar();
  const setup = await setUpKnowledge({
    rootDirectory: booted.rootDirectory,
    dataDirectory: booted.config.FRONTDESK_DATA_DIR,
    flows: booted.flows.flows,
    businessName: booted.config.FRONTDESK_BUSINESS_NAME,
    onProgress: options.quiet ? undefined : (progress) => bar.update(progress),
    onFallback: (reason) => options.logger?.warn({ reason }, 'LLM answer not used; fell back to the extractive answer'),
  });
  bar.done();
  const { summary } = setup;
  if (!options.quiet) console.error(formatIngestSummary(summary));
  options.logger?.info(
    { files: summary.files, changed: summary.filesChanged, added: summary.chunksAdded, removed: summary.chunksRemoved, warnings: summary.warnings.length, ingestSeconds: Number(summary.seconds.toFixed(3)), routerSeconds: Number(setup.routerSeconds.toFixed(3)), llm: setup.llm?.model ?? null },
    'knowledge ready',
  );
  return setup;
}

/** `frontdesk ingest` and `frontdesk ask "question"`. */
export function registerKnowledgeCommands(program: Command): void {
  program
    .command('ingest')
    .description('Bring the knowledge index up to date with the knowledge folder (only changed files are re-embedded).')
    .action(async () => {
      const booted = await boot();
      const { createEmbedder } = await import('../knowledge/embedder.js');
      const { openKnowledgeBase } = await import('../knowledge/knowledge-base.js');
      const { asStrings } = await import('../knowledge/settings.js');
      const { resolve } = await import('node:path');
      const settings = readKnowledgeSettings(process.env);
      const knowledge = openKnowledgeBase({ dataDirectory: resolve(booted.rootDirectory, booted.config.FRONTDESK_DATA_DIR), embedder: await createEmbedder(asStrings(settings)) });
      const bar = createProgressBar();
      try {
        const summary = await knowledge.ingest(resolve(booted.rootDirectory, settings.FRONTDESK_KNOWLEDGE_DIR), { onProgress: (progress) => bar.update(progress) });
        bar.done();
        console.error(formatIngestSummary(summary));
      } finally {
        knowledge.close();
      }
    });

  program
    .command('ask')
    .description('Answer one question from the knowledge, with its citations and confidence.')
    .argument('<question...>', 'the question, as a customer would type it')
    .option('--json', 'print the answer as JSON')
    .action(async (words: string[], options: { json?: boolean }) => {
      const booted = await boot();
      const question = words.join(' ');
      const setup = await prepareKnowledge(booted, { quiet: true });
      try {
        const result = await setup.service.answer(question);
        if (options.json) {
          const { passages, ...rest } = result;
          console.log(JSON.stringify({ question, ...rest, passages: passages.map((passage) => ({ source: passage.source, heading: passage.heading, score: passage.score })) }, null, 2));
          return;
        }
        if (result.isConfident) {
          console.log(`\n${result.answer}\n`);
          console.log(`confidence ${result.confidence.toFixed(2)} (${result.method}${result.fallbackReason ? `; LLM not used: ${result.fallbackReason}` : ''})`);
          result.citations.forEach((citation, index) => console.log(`  [${index + 1}] ${citation.source}${citation.heading ? ` — ${citation.heading}` : ''}${citation.score !== undefined ? ` (score ${citation.score})` : ''}`));
        } else {
          console.log(`\nI don't know: the knowledge does not answer this confidently (confidence ${result.confidence.toFixed(2)}, needs ${readKnowledgeSettings(process.env).FRONTDESK_ANSWER_THRESHOLD ?? 0.6}).`);
          if (result.passages.length > 0) console.log('Closest passages (not used):');
          result.passages.slice(0, 3).forEach((passage) => console.log(`  - ${passage.source}${passage.heading ? ` — ${passage.heading}` : ''}`));
        }
        console.log('');
      } finally {
        setup.close();
      }
    });
}
