/** How the API reaches LiveKit: `url` is the ws(s):// URL clients get; the server SDK derives http(s) from it. */
export type LivekitConfig = {
  url: string;
  apiKey: string;
  apiSecret: string;
};
