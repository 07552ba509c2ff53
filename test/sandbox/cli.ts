/** `npm run sandbox [-- --base-port 4010]`: every sandbox on loopback until Ctrl-C (base port 0: each on a free port). */
import { startAllSandboxes } from './registry';

const defaultBasePort = 4010;

function basePort(argv: string[]): number {
	const index = argv.findIndex((arg) => arg === '--base-port' || arg.startsWith('--base-port='));
	const raw = index < 0 ? process.env.SANDBOX_BASE_PORT : argv[index].includes('=') ? argv[index].split('=')[1] : argv[index + 1];
	if (raw === undefined || raw === '') return defaultBasePort;
	const port = Number(raw);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid base port ${raw}`);
	return port;
}

async function main(): Promise<void> {
	const port = basePort(process.argv.slice(2));
	const sandboxes = await startAllSandboxes({ basePort: port === 0 ? undefined : port });
	for (const sandbox of sandboxes) {
		const credentials = Object.entries(sandbox.credentials)
			.map(([key, value]) => `${key}=${value}`)
			.join(' ');
		console.log(`${sandbox.name.padEnd(12)} ${sandbox.baseUrl}  ${credentials}  (control: ${sandbox.baseUrl}/__control/)`);
	}
	console.log('Sandboxes running; Ctrl-C to stop.');
	const stop = async () => {
		await Promise.allSettled(sandboxes.map((sandbox) => sandbox.close()));
		process.exit(0);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
