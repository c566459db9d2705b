extension VectorIndex {
    /// Adds a partitioned level under the top when ranking the top's `T` centroids flat costs more
    /// than ranking `√T` new centroids and then scanning the usual share of their partitions:
    /// `λ(T) − [λ(√T) + u · λ(T/√T)] > τ`, with `u` the upper-level probe count; and removes the
    /// level under the top again when the flat ranking has become the cheaper one by more than τ.
    /// Both sides come from the measured λ, so the thresholds follow the machine. Holds the write lock.
    /// - Returns: +1, −1 or 0.
    func adjustLevels(plan: MaintenancePlan) -> Int {
        guard levels.count >= 2, let top = levels.last else { return 0 }
        let total = top.count
        let proposed = IndexConfiguration.defaultPartitionCount(for: total)
        if proposed >= 2 {
            let u = min(proposed, max(8, (proposed + 3) / 4))
            let twoStep = plan.cost(proposed) + Double(u) * plan.cost(max(1, total / proposed))
            if plan.cost(total) - twoStep > plan.tau {
                addLevel(centroidPartitions: proposed)
                return 1
            }
        }
        if levels.count >= 3 {
            let middle = levels[levels.count - 2]
            let centroids = middle.count
            let tops = middle.partitions.count
            let u = min(tops, max(8, (tops + 3) / 4))
            let current = plan.cost(tops) + Double(u) * plan.cost(max(1, centroids / max(1, tops)))
            if current - plan.cost(centroids) > plan.tau {
                removeLevel()
                return -1
            }
        }
        return 0
    }

    /// Clusters the top level's centroids into `centroidPartitions` partitions, which become a new
    /// level under a new flat top.
    private func addLevel(centroidPartitions: Int) {
        guard let top = levels.last, let only = top.partitions.values.first else { return }
        let (vectors, ids) = contents(of: only)
        let builder = LevelBuilder(configuration: configuration)
        let (store, centroids, centroidIDs) = builder.partitionLevel(
            vectors: vectors, ids: ids, partitions: centroidPartitions, seed: configuration.seed &+ UInt64(levels.count))
        let newTop = PartitionStore(dimension: dimension)
        let pid = newTop.createPartition(capacity: centroidIDs.count)
        LevelBuilder.append(centroids, centroidIDs, to: pid, in: newTop)
        levels[levels.count - 1] = store
        levels.append(newTop)
    }

    /// Flattens the level under the top into one partition and drops the top.
    private func removeLevel() {
        let middle = levels[levels.count - 2]
        let flat = PartitionStore(dimension: dimension)
        let pid = flat.createPartition(capacity: middle.count)
        for partition in middle.partitions.values {
            let (vectors, ids) = contents(of: partition)
            LevelBuilder.append(vectors, ids, to: pid, in: flat)
        }
        levels.removeLast()
        levels[levels.count - 1] = flat
    }
}
