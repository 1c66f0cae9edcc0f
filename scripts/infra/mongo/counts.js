// Prints "<collection>\t<count>" for each collection named in RB_COLLECTIONS
// (comma-separated); -1 for a collection that does not exist.
const conn = connect(process.env.RB_MONGO_URL);
const names = (process.env.RB_COLLECTIONS || '').split(',').filter((s) => s !== '');
const existing = new Set(conn.getCollectionNames());
for (const name of names) {
  const n = existing.has(name) ? conn.getCollection(name).countDocuments({}) : -1;
  print(name + '\t' + n);
}
