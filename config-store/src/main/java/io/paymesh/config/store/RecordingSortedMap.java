package io.paymesh.config.store;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * A view of one of a snapshot's (unmodifiable) maps that tells a {@link ReadLog} what is read: a
 * lookup by name ({@code get}, {@code containsKey}) records that name, anything that looks at more
 * than one entry records the whole input. Everything a reader can do goes through a method here
 * (the default methods of {@link Map} call these), so nothing is read unrecorded.
 */
final class RecordingSortedMap<V> implements SortedMap<String, V> {
  /** Unmodifiable: the mutators below pass through and are refused by it. */
  private final SortedMap<String, V> map;
  private final ReadLog log;
  private final PolicyInput input;

  RecordingSortedMap(SortedMap<String, V> map, ReadLog log, PolicyInput input) {
    this.map = map;
    this.log = log;
    this.input = input;
  }

  private SortedMap<String, V> whole() {
    log.readAll(input);
    return map;
  }

  @Override
  public V get(Object key) {
    log.read(input, key);
    return map.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    log.read(input, key);
    return map.containsKey(key);
  }

  @Override
  public Comparator<? super String> comparator() {
    return map.comparator();
  }

  @Override
  public SortedMap<String, V> subMap(String fromKey, String toKey) {
    return whole().subMap(fromKey, toKey);
  }

  @Override
  public SortedMap<String, V> headMap(String toKey) {
    return whole().headMap(toKey);
  }

  @Override
  public SortedMap<String, V> tailMap(String fromKey) {
    return whole().tailMap(fromKey);
  }

  @Override
  public String firstKey() {
    return whole().firstKey();
  }

  @Override
  public String lastKey() {
    return whole().lastKey();
  }

  @Override
  public Set<String> keySet() {
    return whole().keySet();
  }

  @Override
  public Collection<V> values() {
    return whole().values();
  }

  @Override
  public Set<Map.Entry<String, V>> entrySet() {
    return whole().entrySet();
  }

  @Override
  public int size() {
    return whole().size();
  }

  @Override
  public boolean isEmpty() {
    return whole().isEmpty();
  }

  @Override
  public boolean containsValue(Object value) {
    return whole().containsValue(value);
  }

  @Override
  public V put(String key, V value) {
    return map.put(key, value);
  }

  @Override
  public V remove(Object key) {
    return map.remove(key);
  }

  @Override
  public void putAll(Map<? extends String, ? extends V> m) {
    map.putAll(m);
  }

  @Override
  public void clear() {
    map.clear();
  }

  @Override
  public boolean equals(Object o) {
    return whole().equals(o);
  }

  @Override
  public int hashCode() {
    return whole().hashCode();
  }

  @Override
  public String toString() {
    return whole().toString();
  }
}
