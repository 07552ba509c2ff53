/** Runs shell commands with Node 24 first on PATH (scripts/node24.sh), streaming their output to stderr. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths';

export interface ShellOptions {
	cwd?: string;
	env?: Record<string, string>;
	/** Prefix for the streamed lines; output is kept quiet (only shown on failure) when omitted. */
	label?: string;
}

const keptOutputChars = 4000;

/** Runs `command` in bash after sourcing node24.sh; resolves with stdout, rejects with the output's tail. */
export function runNode24(command: string, options: ShellOptions = {}): Promise<string> {
	const script = `. ${JSON.stringify(path.join(repoRoot, 'scripts/node24.sh'))} && ${command}`;
	return new Promise((resolve, reject) => {
		const child = spawn('bash', ['-c', script], {
			cwd: options.cwd ?? repoRoot,
			env: { ...process.env, ...options.env },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let combined = '';
		const keep = (chunk: Buffer) => {
			combined = (combined + chunk.toString()).slice(-keptOutputChars);
			if (options.label) process.stderr.write(prefixLines(options.label, chunk.toString()));
		};
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			keep(chunk);
		});
		child.stderr.on('data', keep);
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve(stdout);
			else reject(new Error(`\`${command}\` exited with ${code}:\n${combined}`));
		});
	});
}

function prefixLines(label: string, text: string): string {
	return text.replace(/^(?=.)/gm, `[${label}] `);
}
