package dev.smslogin.code;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Codes a realm may send per rolling hour to the numbers of one destination region (ISO 3166 alpha-2, as the number's
 * {@code region()}): the toll-fraud guard. SMS pumping sends thousands of codes to premium-rate numbers of a few
 * countries; a cap per region stops it there while the realm's other regions go on sending. {@code byRegion} names
 * the caps of some regions, {@code others} is the cap of every other region.
 */
public record RegionCaps(Map<String, Integer> byRegion, int others) {

    public RegionCaps {
        byRegion = Map.copyOf(byRegion);
    }

    /** No cap of a region's own: every region as many as {@code perRealm}, the realm's cap, which holds first. */
    public static RegionCaps realmCapOnly(int perRealm) {
        return new RegionCaps(Map.of(), perRealm);
    }

    /** The cap of {@code region}'s numbers. */
    public int of(String region) {
        return byRegion.getOrDefault(region, others);
    }

    /** The most lenient of two, region by region: the higher cap. */
    public RegionCaps mostLenient(RegionCaps other) {
        Map<String, Integer> caps = new TreeMap<>();
        for (String region : regions(other)) {
            caps.put(region, Math.max(of(region), other.of(region)));
        }
        return new RegionCaps(caps, Math.max(others, other.others));
    }

    /** Whether some region has a lower cap here than in {@code other}. */
    public boolean stricterThan(RegionCaps other) {
        return others < other.others || regions(other).stream().anyMatch(region -> of(region) < other.of(region));
    }

    private Set<String> regions(RegionCaps other) {
        Set<String> regions = new HashSet<>(byRegion.keySet());
        regions.addAll(other.byRegion.keySet());
        return regions;
    }

    /** {@code CN=100000,*=200}: the regions named, in order, then every other. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(byRegion).forEach((region, cap) -> text.append(region).append('=').append(cap).append(','));
        return text.append("*=").append(others).toString();
    }
}
