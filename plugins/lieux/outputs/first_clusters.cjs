// The clusters of the map's first views, made at build time by the browser's own supercluster
// (node_modules/supercluster/dist/supercluster.min.js, given as the first argument) over the
// places of the map's data, with its options: the browser draws them at once and builds its own
// index, which gives the same clusters, when it is idle.
//
// stdin: one line, {"lon": [...], "lat": [...], "options": {...}, "zooms": [...]}
// stdout: {"<zoom>": [[lon, lat, count, cluster id] for a cluster, or place index for a place alone]}
//
// The build may start Node before it knows the places (mapdata.ClusterNode): the request ends at its
// line, not at the end of stdin, which the build's processes all hold open. Node leaves once it has
// answered, or, never asked, when stdin ends.
"use strict";

const fs = require("fs");
const vm = require("vm");

vm.runInThisContext(fs.readFileSync(process.argv[2], "utf8"), { filename: process.argv[2] });  // as a page's <script>
const Supercluster = globalThis.Supercluster;
const round = (x) => Math.round(x * 1e5) / 1e5;
const chunks = [];
let answered = false;

function answer() {
  if (answered) return;
  answered = true;
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) process.exit(0);
  const { lon, lat, options, zooms } = JSON.parse(text);
  const points = lon.map((x, i) => ({ type: "Feature", properties: { i }, geometry: { type: "Point", coordinates: [x, lat[i]] } }));
  const index = new Supercluster(options).load(points);
  const out = {};
  for (const zoom of zooms) {
    out[zoom] = index.getClusters([-180, -85, 180, 85], zoom).map((f) => (f.properties.cluster
      ? [round(f.geometry.coordinates[0]), round(f.geometry.coordinates[1]), f.properties.point_count, f.properties.cluster_id]
      : f.properties.i));
  }
  process.stdout.write(JSON.stringify(out), () => process.exit(0));
}

process.stdin.on("data", (chunk) => {
  chunks.push(chunk);
  if (chunk.includes(10)) answer();  // the request's line is complete
});
process.stdin.on("end", answer);
