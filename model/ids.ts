/**
 * Node and object identifiers. An object id names its owner, so finding the owner of an object
 * needs no look-up: `ownerOf("storage/3")` is `"storage"`.
 */

export type NodeId = string & { readonly NodeId: unique symbol };
export type ObjectId = string & { readonly ObjectId: unique symbol };

/** Grammar of a node id: lowercase letters, digits and dashes, 1 to 32 characters. */
export const NODE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Grammar of an object id: `<owner node id>/<serial>`, the serial a decimal without leading zeros. */
export const OBJECT_ID_PATTERN = /^([a-z0-9][a-z0-9-]{0,31})\/(0|[1-9][0-9]{0,15})$/;

export const isNodeId = (text: string): text is NodeId => NODE_ID_PATTERN.test(text);

export const isObjectId = (text: string): text is ObjectId => OBJECT_ID_PATTERN.test(text);

/** Builds a node id, throwing on text outside the grammar. For trusted input (tests, config). */
export const nodeId = (text: string): NodeId => {
  if (!isNodeId(text)) {
    throw new TypeError(
      `invalid node id ${JSON.stringify(text)}: use 1 to 32 lowercase letters, digits or dashes, starting with a letter or digit`,
    );
  }
  return text;
};

export const objectId = (owner: NodeId, serial: number): ObjectId => `${owner}/${serial}` as ObjectId;

/** Returns the node that owns an object: the part of its id before the slash. */
export const ownerOf = (object: ObjectId): NodeId => {
  const slash = object.indexOf('/');
  return (slash < 0 ? object : object.slice(0, slash)) as NodeId;
};
