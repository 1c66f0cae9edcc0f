// Loads seed documents with upsert semantics, like `mongoimport --mode upsert`:
// each document replaces the one with the same _id, or is inserted.
// RB_SEED_FILES: lines of "<collection>\t<path to JSON array file>".
// The files are Extended JSON ({"$date": ...} etc.), as mongoimport reads them.
const fs = require('fs');
const conn = connect(process.env.RB_MONGO_URL);
const lines = (process.env.RB_SEED_FILES || '').split('\n').filter((s) => s !== '');
for (const line of lines) {
  const [name, path] = line.split('\t');
  const docs = EJSON.parse(fs.readFileSync(path, 'utf8'), { relaxed: false });
  if (!Array.isArray(docs)) {
    throw new Error(path + ': expected a JSON array of documents');
  }
  const ops = docs.map((doc, i) => {
    if (doc._id === undefined) {
      throw new Error(path + ': document ' + i + ' has no _id (needed for upsert)');
    }
    return { replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } };
  });
  let upserted = 0;
  let matched = 0;
  if (ops.length > 0) {
    const res = conn.getCollection(name).bulkWrite(ops, { ordered: true });
    upserted = res.upsertedCount;
    matched = res.matchedCount;
  }
  print(name + '\t' + docs.length + '\t' + upserted + '\t' + matched);
}
