import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createCardClient, type CardFile } from './reader/kagiya-card-client.js';
import { startReader } from './reader/reader-bridge.js';
import { formatExchange, formatStatus } from './reader/trace-printer.js';

// `kagiya` command line (package.json "bin", run through tsx). Subcommand `reader`: one Kagiya card as a
// contactless My Number Card in vsmartcard's virtual reader, for OpenSC and every PC/SC application.

function parseHostPort(value: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) throw new InvalidArgumentError('host:port, e.g. 127.0.0.1:35963');
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

function readCardFile(path: string): CardFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InvalidArgumentError(`cannot read the card file: ${(error as Error).message}`);
  }
  const file = parsed as Partial<CardFile>;
  if (typeof file?.cardId !== 'string' || typeof file.cardKey !== 'string') {
    throw new InvalidArgumentError('the card file must be the { "cardId", "cardKey" } JSON that issuance returns');
  }
  return { cardId: file.cardId, cardKey: file.cardKey };
}

const program = new Command('kagiya').description('鍵屋 Kagiya command line');

program
  .command('reader')
  .description('カードを仮想ICカードリーダー(vpcd)に置く / present a Kagiya card in a virtual PC/SC reader (vsmartcard vpcd)')
  .requiredOption('--url <url>', "Kagiya's URL, e.g. http://127.0.0.1:3000")
  .requiredOption('--card-file <path>', 'card file JSON { "cardId", "cardKey" } from issuance')
  .option('--vpcd <host:port>', 'where vpcd (inside pcscd) listens', '127.0.0.1:35963')
  .option('--trace', 'print every APDU decoded, in Japanese and English (PINs and keys redacted)', false)
  .addOption(new Option('--blocked-sw <sw>', 'status word for a VERIFY on a blocked PIN').choices(['6983', '6984']).default('6983'))
  .option('--terminal <name>', 'terminal name recorded with each PIN entry (default: vpcd@<host>:<port> on <hostname>)')
  .action(async (opts: { url: string; cardFile: string; vpcd: string; trace: boolean; blockedSw: '6983' | '6984'; terminal?: string }) => {
    const card = readCardFile(opts.cardFile);
    const { host, port } = parseHostPort(opts.vpcd);
    const terminal = (opts.terminal ?? `vpcd@${host}:${port} ${hostname()}`).slice(0, 64).replace(/[^\p{L}\p{N} ._:@/-]/gu, '-');
    const client = createCardClient(opts.url, card);
    // Fail early and plainly on a wrong URL or card file, before any reader sees the card.
    const probe = await client.open(terminal, opts.blockedSw).catch((error: Error) => {
      console.error(`鍵屋でカードを確認できません / Kagiya did not accept the card: ${error.message}`);
      process.exit(1);
    });
    await client.close(probe.sessionId).catch(() => undefined);
    if (probe.keyAlgorithm !== 'RSA-2048') {
      console.error(
        formatStatus({
          ja: `このカードの鍵は ${probe.keyAlgorithm} です。OpenSC の JPKI ドライバーは RSA-2048 でしか署名できません("keyAlgorithm": "RSA-2048" で発行してください)。`,
          en: `This card's keys are ${probe.keyAlgorithm}; OpenSC's JPKI driver signs only with RSA-2048 (issue it with "keyAlgorithm": "RSA-2048").`,
        }),
      );
    }
    const reader = startReader({
      client,
      host,
      port,
      terminal,
      blockedStatusWord: opts.blockedSw,
      events: {
        status: (text) => console.log(formatStatus(text)),
        ...(opts.trace ? { exchange: (x) => console.log(formatExchange(x)), power: (text) => console.log(formatStatus(text)) } : {}),
      },
    });
    // SIGUSR1 takes the card out of the field and SIGUSR2 puts it back (for scripts and tests).
    process.on('SIGUSR1', () => reader.remove());
    process.on('SIGUSR2', () => reader.insert());
    const stop = () => void reader.stop().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`kagiya: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
