// The board is live data over websockets and Leaflet needs the browser: render on the client only.
export const ssr = false;
export const prerender = false;
