extension EMGRecording {
    /// The recording with channels renamed (`old=new`, names matched case-insensitively).
    public func renaming(_ renames: [(old: String, new: String)]) throws -> EMGRecording {
        var copy = self
        for (old, new) in renames {
            guard let index = channelNames.firstIndex(where: { $0.caseInsensitiveCompare(old) == .orderedSame }) else {
                throw InputError(file: path, .renamedChannelMissing(name: old, channels: channelNames))
            }
            copy.channelNames[index] = new
        }
        var seen = Set<String>()
        for name in copy.channelNames where !seen.insert(name.lowercased()).inserted {
            throw InputError(file: path, .renamedChannelsCollide(name: name))
        }
        return copy
    }

    /// The recording restricted to `names`, in that order (matched case-insensitively).
    public func selecting(_ names: [String]) throws -> EMGRecording {
        var copy = self
        var seen = Set<String>()
        let indices = try names.map { name in
            guard seen.insert(name.lowercased()).inserted else {
                throw InputError(file: path, .muscleNamedTwice(name: name))
            }
            guard let index = channelNames.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw InputError(file: path, "no channel named '\(name)' (channels: \(channelNames.joined(separator: ", ")))")
            }
            return index
        }
        copy.channelNames = indices.map { channelNames[$0] }
        copy.channels = indices.map { channels[$0] }
        if units.count == channelNames.count { copy.units = indices.map { units[$0] } }
        return copy
    }
}
