/**
 * One edge of the lineage graph, derived from an event when it is captured (issue 3 §1) and stored in
 * `lineage_edge`. Nodes are canonical identifiers: units (EPCs, lots/classes, SSCCs, GIAI/GRAI, drug codes, local
 * codes) and parties or sites (their canonical URIs).
 */
export interface LineageEdge {
  /** What the edge means, e.g. transformed_into, contains, shipped, received, commissioned, sold, destroyed… */
  kind: string;
  /** The node the edge leaves (an input unit, a parent, a source party…). */
  from: string;
  /** The node the edge reaches (an output unit, a child, a destination party…). */
  to: string;
  /** The unit the edge is about when from/to are parties or sites; '' when from/to are the units themselves. */
  unit: string;
  /** Quantity and UN/ECE Rec 20 unit code where the event gives them. */
  quantity: number | null;
  uom: string | null;
}
