/**
 * Product images a store sandbox holds, as the stores do: an image given by URL is downloaded by the store's server
 * (WooCommerce's sideload, BigCommerce's `image_url`, Shopify's `originalSource`), one given as bytes is kept (Magento's
 * base64 `content`), and each is served back from the store's own media URL, without credentials.
 */
import type { SandboxRequest, SandboxResponse } from './types';

export interface MediaFile {
	bytes: Buffer;
	contentType: string;
}

/** Stand-in image bytes: a PNG signature and the file's name, so each seeded image has content of its own. */
export function pngBytes(name: string): Buffer {
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(name)]);
}

export class SandboxMedia {
	private files = new Map<string, MediaFile>();
	private count = 0;

	/** `prefix`: the store's media path (`/wp-content/uploads`); `baseUrl`: the sandbox's own origin once it listens. */
	constructor(readonly prefix: string, private readonly baseUrl: () => string) {}

	/** Downloads an image as a store's server does; rejects with the reason (an error answer, no image, no answer). */
	async download(src: string): Promise<MediaFile> {
		let response: Response;
		try {
			response = await fetch(src, { signal: AbortSignal.timeout(10_000) });
		} catch (error) {
			throw new Error(`cURL error: ${(error as Error).message}`);
		}
		if (!response.ok) throw new Error(`${response.status} ${response.statusText || 'Error'}`);
		const contentType = response.headers.get('content-type') ?? '';
		if (!contentType.startsWith('image/')) throw new Error(`Invalid image type ${contentType || 'unknown'}`);
		return { bytes: Buffer.from(await response.arrayBuffer()), contentType };
	}

	/** Keeps an image under a path of its own (a second file of one name gets a new folder); returns that path. */
	keep(name: string, file: MediaFile): string {
		const path = `${this.prefix}/${++this.count}/${name.replace(/[^\w.-]+/g, '-')}`;
		this.files.set(path, file);
		return path;
	}

	/** The image's URL on this store. */
	url(path: string): string {
		return `${this.baseUrl().replace(/\/+$/, '')}${path}`;
	}

	/** The file name a URL ends in (what the store names its copy). */
	static fileName(src: string): string {
		try {
			return decodeURIComponent(new URL(src).pathname.split('/').pop() || 'image') || 'image';
		} catch {
			return 'image';
		}
	}

	/** A path under the media prefix: served without credentials. */
	holds(path: string): boolean {
		return path.startsWith(`${this.prefix}/`);
	}

	serve(request: SandboxRequest): SandboxResponse {
		const file = this.files.get(request.path);
		return file ? { status: 200, body: file.bytes, headers: { 'content-type': file.contentType } } : { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
	}

	bytes(path: string): Buffer | undefined {
		return this.files.get(path)?.bytes;
	}

	reset(): void {
		this.files = new Map();
		this.count = 0;
	}
}
