import { describe, expect, it } from 'vitest';
import { DependencyGraph } from '../../../src/core/graph.js';

function graph(edges: Record<string, string[]>): DependencyGraph {
  return new DependencyGraph(new Map(Object.entries(edges)));
}

describe('DependencyGraph', () => {
  it('orders dependencies first, ties by address', () => {
    const g = graph({
      'image_export_job.b': ['image.web'],
      'image_export_job.a': ['image.web'],
      'image.web': [],
      'image.app': [],
      'image_deprecate.old': ['image.app'],
    });
    expect(g.topologicalOrder()).toEqual([
      'image.app',
      'image.web',
      'image_deprecate.old',
      'image_export_job.a',
      'image_export_job.b',
    ]);
  });

  it('includes targets that were only named as dependencies', () => {
    expect(graph({ 'image_export_job.x': ['image.y'] }).topologicalOrder()).toEqual(['image.y', 'image_export_job.x']);
  });

  it('is the same whatever the insertion order', () => {
    const forward = graph({ a: ['b'], b: ['c'], c: [], d: ['c'] }).topologicalOrder();
    const backward = graph({ d: ['c'], c: [], b: ['c'], a: ['b'] }).topologicalOrder();
    expect(forward).toEqual(backward);
    expect(forward).toEqual(['c', 'b', 'a', 'd']);
  });

  it('finds a cycle as a closed path and refuses to order it', () => {
    const g = graph({ a: ['b'], b: ['c'], c: ['a'], d: [] });
    expect(g.findCycle()).toEqual(['a', 'b', 'c', 'a']);
    expect(() => g.topologicalOrder()).toThrow('dependency cycle: a -> b -> c -> a');
  });

  it('finds a self-reference', () => {
    expect(graph({ a: ['a'] }).findCycle()).toEqual(['a', 'a']);
  });

  it('has no cycle in a diamond', () => {
    const g = graph({ top: ['left', 'right'], left: ['bottom'], right: ['bottom'], bottom: [] });
    expect(g.findCycle()).toBeUndefined();
    expect(g.topologicalOrder()).toEqual(['bottom', 'left', 'right', 'top']);
  });

  it('gives direct dependents', () => {
    const g = graph({ x: ['img'], y: ['img'], z: ['x'] });
    expect(g.dependentsOf('img')).toEqual(['x', 'y']);
    expect(g.dependentsOf('z')).toEqual([]);
    expect(g.dependentsOf('unknown')).toEqual([]);
  });

  it('closes over dependencies and dependents transitively', () => {
    const g = graph({ job: ['dep'], dep: ['img'], img: [], other: [] });
    expect([...g.withDependencies(['job'])].sort()).toEqual(['dep', 'img', 'job']);
    expect([...g.withDependents(['img'])].sort()).toEqual(['dep', 'img', 'job']);
    expect([...g.withDependents(['other'])]).toEqual(['other']);
  });

  it('survives cycles in closures', () => {
    const g = graph({ a: ['b'], b: ['a'] });
    expect([...g.withDependencies(['a'])].sort()).toEqual(['a', 'b']);
  });

  it('orders a long chain quickly', () => {
    const edges = new Map<string, string[]>();
    for (let i = 1; i < 5000; i++) edges.set(`n${String(i).padStart(5, '0')}`, [`n${String(i - 1).padStart(5, '0')}`]);
    const order = new DependencyGraph(edges).topologicalOrder();
    expect(order[0]).toBe('n00000');
    expect(order).toHaveLength(5000);
  });
});
