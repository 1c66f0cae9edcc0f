// Drops each collection named in RB_COLLECTIONS (comma-separated) that exists.
// Prints "<collection>\tdropped" or "<collection>\tabsent".
const conn = connect(process.env.RB_MONGO_URL);
const names = (process.env.RB_COLLECTIONS || '').split(',').filter((s) => s !== '');
const existing = new Set(conn.getCollectionNames());
for (const name of names) {
  if (existing.has(name)) {
    conn.getCollection(name).drop();
    print(name + '\tdropped');
  } else {
    print(name + '\tabsent');
  }
}
