import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { openSocial, type MediaFetcher, type SocialPublisher } from '../../../lib/social';
import { nodeEngine } from '../../shared/engineContext';

/** Images are fetched through n8n's plain HTTP helper (its proxy settings), never with a channel's credential. */
function nodeMediaFetcher(context: IExecuteFunctions): MediaFetcher {
	return async (url) => {
		const options: IHttpRequestOptions = { method: 'GET', url, encoding: 'arraybuffer', returnFullResponse: true, timeout: 30_000 };
		const response = (await context.helpers.httpRequest(options)) as { body: ArrayBuffer | Buffer; headers: Record<string, string | string[] | undefined> };
		const header = response.headers['content-type'];
		const contentType = (Array.isArray(header) ? header[0] : (header ?? '')).split(';')[0].trim();
		if (!contentType.startsWith('image/')) throw new Error(`The image at ${url} is not an image (content type ${JSON.stringify(contentType)})`);
		return { contentType, bytes: Buffer.from(response.body as ArrayBuffer) };
	};
}

/** The publisher for the node's chosen platforms, each through its credential. */
export async function openNodePublisher(context: IExecuteFunctions): Promise<SocialPublisher> {
	const platforms = context.getNodeParameter('platforms', 0) as string[];
	return await openSocial(await nodeEngine(context), { fetchMedia: nodeMediaFetcher(context), sleep }).publisher(platforms);
}
