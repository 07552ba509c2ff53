import type { MediaBytes } from '../platforms/social';

/**
 * Fetches an image a post names, with plain HTTP (never a platform's credential: the image's host is not the
 * platform). Refused when it does not answer 200 with an image.
 */
export async function fetchMedia(url: string): Promise<MediaBytes> {
	const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
	if (!response.ok) throw new Error(`The image at ${url} could not be fetched: HTTP ${response.status}`);
	const contentType = response.headers.get('content-type')?.split(';')[0].trim() ?? '';
	if (!contentType.startsWith('image/')) throw new Error(`The image at ${url} is not an image (content type ${JSON.stringify(contentType)})`);
	return { contentType, bytes: Buffer.from(await response.arrayBuffer()) };
}
